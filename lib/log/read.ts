import "server-only";
import type { LogEntry } from "@/lib/contracts/log";
import { db } from "@/lib/db/client";
import { toLogEntry } from "./append";

// Reading the event log back: the newest rows for a snapshot, and the rows after a cursor for
// the live feed and for a browser resuming with Last-Event-ID.

/** The newest log rows of the event's current run (up to row `upTo`, when given), newest first. */
export async function recentLogs(eventId: number, limit = 50, upTo?: bigint): Promise<LogEntry[]> {
  const ev = await db().event.findUnique({ where: { id: eventId }, select: { run: true } });
  if (!ev) return [];
  const rows = await db().eventLog.findMany({
    where: { eventId, run: ev.run, ...(upTo !== undefined ? { id: { lte: upTo } } : {}) },
    orderBy: { id: "desc" },
    take: limit,
  });
  return rows.map(toLogEntry);
}

/** Log rows after `afterId`, oldest first, at most `limit` (the newest ones when there are more). */
export async function logsAfter(eventId: number, afterId: bigint, limit: number): Promise<{ entries: LogEntry[]; skipped: number; lastId: bigint }> {
  const newest = await db().eventLog.findMany({ where: { eventId, id: { gt: afterId } }, orderBy: { id: "desc" }, take: limit + 1 });
  if (newest.length === 0) return { entries: [], skipped: 0, lastId: afterId };
  const lastId = newest[0].id;
  let skipped = 0;
  if (newest.length > limit) {
    newest.pop();
    skipped = await db().eventLog.count({ where: { eventId, id: { gt: afterId, lt: newest[newest.length - 1].id } } });
  }
  return { entries: newest.reverse().map(toLogEntry), skipped, lastId };
}

export async function lastLogId(eventId: number): Promise<bigint> {
  const row = await db().eventLog.findFirst({ where: { eventId }, orderBy: { id: "desc" }, select: { id: true } });
  return row?.id ?? 0n;
}

/** How many of the event's log rows lie in (after, upTo], counting no further than `cap`. */
export async function countBetween(eventId: number, after: bigint, upTo: bigint, cap: number): Promise<number> {
  const [row] = await db().$queryRawUnsafe<{ n: bigint }[]>(
    "SELECT COUNT(*) AS n FROM (SELECT 1 FROM EventLog WHERE eventId = ? AND id > ? AND id <= ? LIMIT ?) capped",
    eventId,
    after,
    upTo,
    cap,
  );
  return Number(row.n);
}
