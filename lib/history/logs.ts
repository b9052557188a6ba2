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

const COLUMNS = "id, run, kind, actor, vip, ticketId, lastTicketId, tickets, message, released, sold, available, createdAt";

type Row = Parameters<typeof toLogEntry>[0];

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
  let keyset = "";
  let after = 0n;
  if (q.cursor !== undefined) {
    after = decodeCursor(q.cursor, scope);
    keyset = order === "desc" ? " AND id < ?" : " AND id > ?";
    values.push(after);
  }
  const rows = await readRows<Row>(`SELECT ${COLUMNS} FROM EventLog WHERE ${where}${keyset} ORDER BY id ${order === "desc" ? "DESC" : "ASC"} LIMIT ?`, [...values, limit + 1]);
  const hasMore = rows.length > limit;
  const entries = rows.slice(0, limit).map(toLogEntry);
  if (entries.length) after = BigInt(entries[entries.length - 1].id);
  // Oldest first, the end of the rows is only where they stand now: the cursor stays, so a
  // client tails the log by asking again with it. Newest first, the end is the end.
  const nextCursor = hasMore || order === "asc" ? encodeCursor({ after, scope }) : null;
  // The first page, newest first, also says where to follow from: a cursor for the rows that come after it.
  const tailCursor = order === "desc" && q.cursor === undefined ? encodeCursor({ after: entries.length ? BigInt(entries[0].id) : 0n, scope: cursorScope(eventId, filters, "asc") }) : undefined;
  return { entries, nextCursor, hasMore, ...(tailCursor ? { tailCursor } : {}) };
}

/** Every log row matching the filters, oldest first, streamed from a cursor over the result set. */
export async function logExport(eventId: number, q: LogQuery): Promise<AsyncGenerator<LogEntry>> {
  await historyEvent(eventId, q.run);
  const { where, values } = conditions(eventId, filtersOf(q));
  async function* rows(): AsyncGenerator<LogEntry> {
    for await (const row of streamRows<Row>(`SELECT ${COLUMNS} FROM EventLog WHERE ${where} ORDER BY id`, values)) yield toLogEntry(row);
  }
  return rows();
}
