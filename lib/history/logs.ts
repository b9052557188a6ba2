import "server-only";
import type { LogFilters, LogPage, LogQuery } from "@/lib/contracts/history";
import { PAGE_SIZE } from "@/lib/contracts/history";
import type { LogEntry } from "@/lib/contracts/log";
import { readRows, streamRows } from "@/lib/db/read";
import { toLogEntry } from "@/lib/log/append";
import { cursorScope, decodeCursor, encodeCursor } from "./cursor";
import { historyEvent } from "./scope";

// The event log as a searchable history: pages by keyset on the event's log sequence (never
// OFFSET, so page 10,000 costs what page 1 costs, and rows written meanwhile neither repeat nor
// shift a page), and the whole match streamed for an export, in the same order. The keyset is
// `seq`, not the row id: seq is gap-free and in commit order per event, where on a Galera
// cluster ids are neither (each node steps them by the cluster size from its own offset), and a
// page or a tail following ids would pass a row that commits late with a lower id.

/** Index entries a page may look at, at most, when its filters are not all in the index. */
const SCAN_BUDGET = 20_000;

const COLUMNS = "id, seq, run, kind, actor, vip, ticketId, lastTicketId, tickets, message, released, sold, available, createdAt";

type Row = Parameters<typeof toLogEntry>[0];

/**
 * The index a page walks, named: left to choose, MariaDB intersects two indexes and sorts every
 * match before it takes the first hundred (measured: 40 ms at 100,000 rows, growing with the
 * log). Walking one index in seq order stops at the page's last row.
 */
function indexFor(f: LogFilters): string {
  if (f.run !== undefined) return "EventLog_eventId_run_seq_idx";
  if (f.kind?.length === 1) return "EventLog_eventId_kind_seq_idx";
  return "EventLog_eventId_seq_key";
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
    keyset = desc ? " AND seq < ?" : " AND seq > ?";
  }
  const keyValues = q.cursor !== undefined ? [after] : [];
  // A filter the index cannot check (text, actor, …) may match one row in a million: a page
  // then looks at no more than SCAN_BUDGET index entries, and says where it stopped, so that
  // every request stays short and the next one goes on from there.
  const index = indexFor(filters);
  const idx = indexed(eventId, filters);
  let bound: bigint | null = null;
  if (!idx.complete) {
    const [edge] = await readRows<{ seq: number | string }>(
      `SELECT seq FROM EventLog FORCE INDEX (${index}) WHERE ${idx.where}${keyset} ORDER BY seq ${desc ? "DESC" : "ASC"} LIMIT 1 OFFSET ${SCAN_BUDGET}`,
      [...idx.values, ...keyValues],
    );
    if (edge) bound = BigInt(edge.seq);
  }
  const budget = bound === null ? "" : desc ? " AND seq > ?" : " AND seq < ?";
  const rows = await readRows<Row>(`SELECT ${COLUMNS} FROM EventLog FORCE INDEX (${index}) WHERE ${where}${keyset}${budget} ORDER BY seq ${desc ? "DESC" : "ASC"} LIMIT ?`, [
    ...values,
    ...keyValues,
    ...(bound === null ? [] : [bound]),
    limit + 1,
  ]);
  const full = rows.length > limit;
  const entries = rows.slice(0, limit).map(toLogEntry);
  let next: bigint | null = null;
  if (full) next = BigInt(entries[entries.length - 1].seq);
  else if (bound !== null) next = desc ? bound + 1n : bound - 1n; // the budget ran out before the page filled
  else if (!desc) next = entries.length ? BigInt(entries[entries.length - 1].seq) : after;
  // Oldest first, the end of the rows is only where they stand now: the cursor stays, so a
  // client tails the log by asking again with it. Newest first, the end is the end. A tail
  // misses nothing: a row with a lower seq than one already read had committed before it.
  const nextCursor = next === null ? null : encodeCursor({ after: next, scope });
  const hasMore = full || bound !== null;
  // The first page, newest first, also says where to follow from: a cursor for the rows after
  // its newest seq (or, when the budget ran out before a match, after the stretch it looked at).
  const top = entries.length ? BigInt(entries[0].seq) : (bound ?? 0n);
  const tailCursor = desc && q.cursor === undefined ? encodeCursor({ after: top, scope: cursorScope(eventId, filters, "asc") }) : undefined;
  return { entries, nextCursor, hasMore, ...(tailCursor ? { tailCursor } : {}) };
}

/** Every log row matching the filters, oldest first (in seq order), streamed from a cursor over the result set. */
export async function logExport(eventId: number, q: LogQuery): Promise<AsyncGenerator<LogEntry>> {
  await historyEvent(eventId, q.run);
  const filters = filtersOf(q);
  const { where, values } = conditions(eventId, filters);
  async function* rows(): AsyncGenerator<LogEntry> {
    for await (const row of streamRows<Row>(`SELECT ${COLUMNS} FROM EventLog FORCE INDEX (${indexFor(filters)}) WHERE ${where} ORDER BY seq`, values)) yield toLogEntry(row);
  }
  return rows();
}
