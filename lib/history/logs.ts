import "server-only";
import type { LogFilters, LogPage, LogQuery } from "@/lib/contracts/history";
import { PAGE_SIZE } from "@/lib/contracts/history";
import type { LogEntry } from "@/lib/contracts/log";
import { readRows, streamRows } from "@/lib/db/read";
import { toLogEntry } from "@/lib/log/append";
import { cursorScope, decodeCursor, encodeCursor } from "./cursor";
import { historyEvent } from "./scope";

// The event log as a searchable history: pages by keyset on the row id (never OFFSET, so page
// 10,000 costs what page 1 costs, and rows written meanwhile neither repeat nor shift a page),
// and the whole match streamed for an export.

/** Index entries a page may look at, at most, when its filters are not all in the index. */
const SCAN_BUDGET = 20_000;

const COLUMNS = "id, seq, run, kind, actor, vip, ticketId, lastTicketId, tickets, message, released, sold, available, createdAt";

type Row = Parameters<typeof toLogEntry>[0];

/**
 * The index a page walks, named: left to choose, MariaDB intersects two indexes and sorts every
 * match before it takes the first hundred (measured: 40 ms at 100,000 rows, growing with the
 * log). Walking one index in id order stops at the page's last row.
 */
function indexFor(f: LogFilters): string {
  if (f.run !== undefined) return "EventLog_eventId_run_id_idx";
  if (f.kind?.length === 1) return "EventLog_eventId_kind_id_idx";
  return "EventLog_eventId_id_idx";
}

/** What the named index itself can check (its columns): the rest of the filters are checked row by row. */
function indexed(eventId: number, f: LogFilters): { where: string; values: unknown[]; complete: boolean } {
  if (f.run !== undefined) return { where: "eventId = ? AND run = ?", values: [eventId, f.run], complete: rest(f, "run") };
  if (f.kind?.length === 1) return { where: "eventId = ? AND kind = ?", values: [eventId, f.kind[0]], complete: rest(f, "kind") };
  return { where: "eventId = ?", values: [eventId], complete: rest(f, null) };
}

/** Whether the filters other than `except` are all unset (then every row the index yields matches). */
function rest(f: LogFilters, except: "run" | "kind" | null): boolean {
  return (except === "kind" || !f.kind?.length) && (except === "run" || f.run === undefined) && f.actor === undefined && f.vip === undefined && !f.from && !f.to && f.text === undefined;
}

function conditions(eventId: number, f: LogFilters): { where: string; values: unknown[] } {
  const parts = ["eventId = ?"];
  const values: unknown[] = [eventId];
  const add = (condition: string, ...v: unknown[]) => {
    parts.push(condition);
    values.push(...v);
  };
  if (f.run !== undefined) add("run = ?", f.run);
  if (f.kind?.length) add(`kind IN (${f.kind.map(() => "?").join(", ")})`, ...f.kind);
  if (f.actor !== undefined) add("actor = ?", f.actor);
  if (f.vip !== undefined) add("vip = ?", f.vip ? 1 : 0);
  if (f.from) add("createdAt >= ?", f.from);
  if (f.to) add("createdAt < ?", f.to);
  if (f.text !== undefined) add("message LIKE ?", `%${f.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  return { where: parts.join(" AND "), values };
}

function filtersOf(q: LogQuery): LogFilters {
  return { kind: q.kind, actor: q.actor, vip: q.vip, run: q.run, from: q.from, to: q.to, text: q.text };
}


/** One page of the event's log rows matching the filters, newest first unless `order` is asc. */
export async function logPage(eventId: number, q: LogQuery): Promise<LogPage> {
  await historyEvent(eventId, q.run);
  const filters = filtersOf(q);
  const order = q.order ?? "desc";
  const scope = cursorScope(eventId, filters, order);
  const limit = q.limit ?? PAGE_SIZE.default;
  const { where, values } = conditions(eventId, filters);
  const desc = order === "desc";
  let keyset = "";
  let after = 0n;
  if (q.cursor !== undefined) {
    after = decodeCursor(q.cursor, scope);
    keyset = desc ? " AND id < ?" : " AND id > ?";
  }
  const keyValues = q.cursor !== undefined ? [after] : [];
  // A filter the index cannot check (text, actor, …) may match one row in a million: a page
  // then looks at no more than SCAN_BUDGET index entries, and says where it stopped, so that
  // every request stays short and the next one goes on from there.
  const index = indexFor(filters);
  const idx = indexed(eventId, filters);
  let bound: bigint | null = null;
  if (!idx.complete) {
    const [edge] = await readRows<{ id: number | string }>(
      `SELECT id FROM EventLog FORCE INDEX (${index}) WHERE ${idx.where}${keyset} ORDER BY id ${desc ? "DESC" : "ASC"} LIMIT 1 OFFSET ${SCAN_BUDGET}`,
      [...idx.values, ...keyValues],
    );
    if (edge) bound = BigInt(edge.id);
  }
  const budget = bound === null ? "" : desc ? " AND id > ?" : " AND id < ?";
  const rows = await readRows<Row>(`SELECT ${COLUMNS} FROM EventLog FORCE INDEX (${index}) WHERE ${where}${keyset}${budget} ORDER BY id ${desc ? "DESC" : "ASC"} LIMIT ?`, [
    ...values,
    ...keyValues,
    ...(bound === null ? [] : [bound]),
    limit + 1,
  ]);
  const full = rows.length > limit;
  const entries = rows.slice(0, limit).map(toLogEntry);
  let next: bigint | null = null;
  if (full) next = BigInt(entries[entries.length - 1].id);
  else if (bound !== null) next = desc ? bound + 1n : bound - 1n; // the budget ran out before the page filled
  else if (!desc) next = entries.length ? BigInt(entries[entries.length - 1].id) : after;
  // Oldest first, the end of the rows is only where they stand now: the cursor stays, so a
  // client tails the log by asking again with it. Newest first, the end is the end.
  const nextCursor = next === null ? null : encodeCursor({ after: next, scope });
  const hasMore = full || bound !== null;
  // The first page, newest first, also says where to follow from: a cursor for the rows that come after it.
  const top = entries.length ? BigInt(entries[0].id) : (bound ?? 0n);
  const tailCursor = desc && q.cursor === undefined ? encodeCursor({ after: top, scope: cursorScope(eventId, filters, "asc") }) : undefined;
  return { entries, nextCursor, hasMore, ...(tailCursor ? { tailCursor } : {}) };
}

/** Every log row matching the filters, oldest first, streamed from a cursor over the result set. */
export async function logExport(eventId: number, q: LogQuery): Promise<AsyncGenerator<LogEntry>> {
  await historyEvent(eventId, q.run);
  const filters = filtersOf(q);
  const { where, values } = conditions(eventId, filters);
  async function* rows(): AsyncGenerator<LogEntry> {
    for await (const row of streamRows<Row>(`SELECT ${COLUMNS} FROM EventLog FORCE INDEX (${indexFor(filters)}) WHERE ${where} ORDER BY id`, values)) yield toLogEntry(row);
  }
  return rows();
}
