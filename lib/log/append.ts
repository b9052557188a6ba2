import "server-only";
import { valuesList } from "@/lib/db/literal";
import type { Sql } from "@/lib/db/sql";
import type { LogEntry, LogKind } from "@/lib/contracts/log";

// The event log is the outbox: every change appends its rows in the same transaction as the
// change itself, so the log never says what the database does not hold.

export type LogRow = {
  eventId: number;
  run: number;
  kind: LogKind;
  actor: string;
  vip?: boolean;
  /** A move's tickets: the event's tickets with ids from ticketId to lastTicketId, `tickets` of them. */
  ticketId?: bigint | null;
  lastTicketId?: bigint | null;
  tickets?: number;
  message: string;
  released: number;
  sold: number;
  available: number;
  /** Tickets held by checkout holds (0 when the event has none). */
  held?: number;
  at: Date;
};

type Counters = { released: number; sold: number; available: number; held?: number };

/** A log row stamped with the pool's counters as they stand after the change it records. */
export function logRow(where: { eventId: number; run: number }, counters: Counters, row: Pick<LogRow, "kind" | "actor" | "message"> & Partial<Pick<LogRow, "vip" | "ticketId" | "at">>): LogRow {
  return { eventId: where.eventId, run: where.run, released: counters.released, sold: counters.sold, available: counters.available, held: counters.held ?? 0, at: new Date(), ...row };
}

const CHUNK = 500;

/** Appends rows to the event log; call it inside the transaction of the change it records. */
export async function appendLogs(tx: Pick<Sql, "$executeRawUnsafe">, rows: LogRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    const values = valuesList(
      rows.slice(i, i + CHUNK).map((r) => [r.eventId, r.run, r.kind, r.actor.slice(0, 140), r.vip ? 1 : 0, r.ticketId ?? null, r.lastTicketId ?? r.ticketId ?? null, r.tickets ?? 0, r.message.slice(0, 500), r.released, r.sold, r.available, r.held ?? 0, r.at]),
    );
    await tx.$executeRawUnsafe(`INSERT INTO EventLog (eventId, run, kind, actor, vip, ticketId, lastTicketId, tickets, message, released, sold, available, held, createdAt) VALUES ${values}`);
  }
}

type LogRecord = {
  id: bigint;
  run: number;
  kind: string;
  actor: string;
  vip: boolean;
  ticketId: bigint | null;
  lastTicketId: bigint | null;
  tickets: number;
  message: string;
  released: number;
  sold: number;
  available: number;
  createdAt: Date;
};

export function toLogEntry(r: LogRecord): LogEntry {
  return {
    id: r.id.toString(),
    run: r.run,
    kind: r.kind as LogKind,
    actor: r.actor,
    vip: Boolean(r.vip),
    ticketId: r.ticketId === null ? null : r.ticketId.toString(),
    lastTicketId: r.lastTicketId === null ? null : r.lastTicketId.toString(),
    tickets: r.tickets,
    message: r.message,
    released: r.released,
    sold: r.sold,
    available: r.available,
    at: r.createdAt.toISOString(),
  };
}
