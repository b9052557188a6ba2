// The kinds of rows in the event log (the outbox the live stream reads), and a row as pages
// and the API see it.
export const LOG_KINDS = [
  "CREATED",
  "STARTED",
  "RESUMED",
  "CATCH_UP",
  "STOPPED",
  "RESET",
  "CONFIG",
  "RELEASED",
  "SOLD",
  "POOL_FULL",
  "WAITING",
  "VENDOR_DONE",
  "SOLD_OUT",
  "QUEUED",
  "CANCELLED",
  "REFUSED",
  "HELD",
  "RETURNED",
  "CONFIRMED",
  "ERROR",
] as const;

export type LogKind = (typeof LOG_KINDS)[number];

/** A log row as pages and the API see it. */
export type LogEntry = {
  /** The row's id: what history pages, exports and links name it by. */
  id: string;
  /** The row's place in its event's log (1, 2, 3 … in commit order, no gaps): what the live stream follows, and its SSE `id:`. */
  seq: string;
  run: number;
  kind: LogKind;
  actor: string;
  vip: boolean;
  /** The first and last ticket a RELEASED or SOLD row covers (all of the event's tickets between them), and how many. */
  ticketId: string | null;
  lastTicketId: string | null;
  tickets: number;
  message: string;
  released: number;
  sold: number;
  available: number;
  at: string;
};
