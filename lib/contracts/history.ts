import { z } from "zod";
import { LOG_KINDS, type LogEntry, type LogKind } from "./log";

// The read side of an event's history (DESIGN §6): the query strings of the log, ticket and
// purchase endpoints, and the shapes of run summaries, analytics and the audit report. One
// source for the API, the pages and the types.

export const EXPORT_FORMATS = ["json", "csv", "ndjson"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const PAGE_SIZE = { default: 100, max: 1_000 } as const;
/** Times before this or after this are a mistake, not a filter. */
const EARLIEST = Date.UTC(2000, 0, 1);
const LATEST = Date.UTC(2200, 0, 1);

const format = z.enum(EXPORT_FORMATS, { error: `format must be one of ${EXPORT_FORMATS.join(", ")}` });

const runNumber = z
  .string()
  .regex(/^\d{1,10}$/, "run must be a run number (1, 2, …)")
  .transform(Number)
  .refine((n) => n >= 1 && n <= 2_147_483_647, "run must be a run number (1, 2, …)");

const time = (field: string) =>
  z
    .string()
    .max(40, `${field} must be an ISO 8601 time such as 2026-11-26T18:00:00Z`)
    .transform((s, ctx) => {
      const ms = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(s) ? Date.parse(s) : NaN;
      if (Number.isNaN(ms)) {
        ctx.addIssue({ code: "custom", message: `${field} must be an ISO 8601 time such as 2026-11-26T18:00:00Z` });
        return z.NEVER;
      }
      if (ms < EARLIEST || ms >= LATEST) {
        ctx.addIssue({ code: "custom", message: `${field} must lie between the years 2000 and 2199` });
        return z.NEVER;
      }
      return new Date(ms);
    });

const kinds = z
  .string()
  .max(400)
  .transform((s, ctx) => {
    const list = s.split(",").map((k) => k.trim().toUpperCase()).filter(Boolean);
    const unknown = list.filter((k) => !(LOG_KINDS as readonly string[]).includes(k));
    if (list.length === 0 || unknown.length) {
      ctx.addIssue({ code: "custom", message: `kind must be one or more of ${LOG_KINDS.join(", ")} (unknown: ${unknown.join(", ").slice(0, 80) || "none given"})` });
      return z.NEVER;
    }
    return [...new Set(list)] as LogKind[];
  });

const flag = (field: string) => z.enum(["true", "false"], { error: `${field} must be true or false` }).transform((v) => v === "true");

const pageSize = z
  .string()
  .regex(/^\d{1,12}$/, `limit must be a whole number of rows, 1 to ${PAGE_SIZE.max}`)
  .transform(Number)
  .refine((n) => n >= 1 && n <= PAGE_SIZE.max, `limit must be a whole number of rows, 1 to ${PAGE_SIZE.max}`);

/** GET /api/events/{id}/logs: filters, a page (limit, cursor, order) or an export (format). */
export const logQuerySchema = z
  .strictObject(
    {
      kind: kinds.optional(),
      actor: z.string().trim().min(1, "actor must not be empty").max(140, "actor must be at most 140 characters").optional(),
      vip: flag("vip").optional(),
      run: runNumber.optional(),
      from: time("from").optional(),
      to: time("to").optional(),
      text: z.string().trim().min(1, "text must not be empty").max(200, "text must be at most 200 characters").optional(),
      limit: pageSize.optional(),
      cursor: z.string().max(400, "cursor is not one this server gave out").optional(),
      order: z.enum(["desc", "asc"], { error: "order must be desc (newest first) or asc" }).optional(),
      format: format.optional(),
    },
    { error: (issue) => (issue.code === "unrecognized_keys" ? `Unknown parameter ${issue.keys.join(", ")}: the filters are kind, actor, vip, run, from, to, text (and limit, cursor, order, format)` : undefined) },
  )
  .refine((q) => !q.from || !q.to || q.from.getTime() < q.to.getTime(), { message: "from must be before to", path: ["to"] });

export type LogQuery = z.infer<typeof logQuerySchema>;
export type LogFilters = Omit<LogQuery, "limit" | "cursor" | "format" | "order">;

/** GET /api/events/{id}/tickets and …/purchases: which run (all when absent) and the format. */
export const exportQuerySchema = z.strictObject(
  { run: runNumber.optional(), format: format.optional() },
  { error: (issue) => (issue.code === "unrecognized_keys" ? `Unknown parameter ${issue.keys.join(", ")}: only run and format are accepted` : undefined) },
);

export const runQuerySchema = z.strictObject(
  { run: runNumber.optional() },
  { error: (issue) => (issue.code === "unrecognized_keys" ? `Unknown parameter ${issue.keys.join(", ")}: only run is accepted` : undefined) },
);

export type WaitSummary = { served: number; medianMs: number | null; p95Ms: number | null };

/** The configuration a run started with (null for runs started before it was recorded). */
export type RunConfig = {
  totalTickets: number;
  maxTicketCapacity: number;
  ticketReleaseRate: number;
  customerRetrievalRate: number;
  vendors: number;
  customers: number;
  vipCustomers: number;
};

export type RunSummary = {
  run: number;
  current: boolean;
  startedAt: string | null;
  endedAt: string | null;
  durationMs: number | null;
  soldOutAt: string | null;
  timeToSellOutMs: number | null;
  released: number;
  sold: number;
  averageSaleRate: number | null;
  peakSaleRate: number | null;
  waits: { vip: WaitSummary; regular: WaitSummary };
  actors: { vendors: number; customers: number };
  config: RunConfig | null;
  /**
   * How far off the sell-out forecasts were when 25 %, 50 % and 75 % were sold (+ = they said
   * too late), for runs that sold out: `forecastMs`/`errorMs` for the average rate since the
   * start (the analytics page's), `recentForecastMs`/`recentErrorMs` for the rate of the last
   * 15 s (the dashboard's); all in ms from the run's start.
   */
  forecast: { fraction: number; atMs: number; forecastMs: number; errorMs: number; recentForecastMs: number | null; recentErrorMs: number | null }[];
};

export type AuditCheck = { name: string; ok: boolean; detail: string; examples?: string[] };
export type AuditReport = { eventId: number; run: number; ok: boolean; checkedAt: string; checks: AuditCheck[] };

/** One row per ticket, as the tickets export writes it. */
export type TicketRecord = {
  id: number;
  run: number;
  vendorId: number;
  vendor: string | null;
  releasedAt: string;
  purchaseId: string | null;
  buyer: string | null;
  vip: boolean | null;
  soldAt: string | null;
};
export const TICKET_COLUMNS = ["id", "run", "vendorId", "vendor", "releasedAt", "purchaseId", "buyer", "vip", "soldAt"] as const satisfies readonly (keyof TicketRecord)[];

/** One row per purchase, as the purchases export writes it. */
export type PurchaseRecord = {
  purchaseId: string;
  run: number;
  buyer: string;
  vip: boolean;
  quantity: number;
  tickets: number;
  source: string;
  status: string;
  requestedAt: string;
  completedAt: string | null;
  waitMs: number | null;
};
export const PURCHASE_COLUMNS = ["purchaseId", "run", "buyer", "vip", "quantity", "tickets", "source", "status", "requestedAt", "completedAt", "waitMs"] as const satisfies readonly (keyof PurchaseRecord)[];

export const LOG_COLUMNS = ["id", "run", "kind", "actor", "vip", "ticketId", "lastTicketId", "tickets", "message", "released", "sold", "available", "at"] as const;

/** A page of log rows: `nextCursor` continues it; the first page newest first also gives `tailCursor`, to follow new rows (order=asc). */
export type LogPage = { entries: LogEntry[]; nextCursor: string | null; hasMore: boolean; tailCursor?: string };
