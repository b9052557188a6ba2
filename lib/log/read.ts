import "server-only";
import type { LogEntry } from "@/lib/contracts/log";
import { db } from "@/lib/db/client";
import { toLogEntry } from "./append";

// Reading the event log back: the newest rows for a snapshot, and the rows after a cursor for
// the live feed and for a browser resuming with Last-Event-ID. Cursors here are the event's
// log sequence (EventLog.seq), never ids: seq is gap-free and in commit order per event, where
// on a cluster ids are neither, and a reader following ids would step past a row that
// commits late on another node.

/** The newest log rows of the event's current run (up to sequence number `upTo`, when given), newest first. */
export async function recentLogs(eventId: number, limit = 50, upTo?: bigint): Promise<LogEntry[]> {
  const ev = await db().event.findUnique({ where: { id: eventId }, select: { run: true } });
  if (!ev) return [];
  const rows = await db().eventLog.findMany({
    where: { eventId, run: ev.run, ...(upTo !== undefined ? { seq: { lte: upTo } } : {}) },
    orderBy: { seq: "desc" },
    take: limit,
  });
  return rows.map(toLogEntry);
}

/** Log rows after sequence number `after`, oldest first, at most `limit` (the newest ones when there are more). */
export async function logsAfter(eventId: number, after: bigint, limit: number): Promise<{ entries: LogEntry[]; skipped: number; lastSeq: bigint }> {
  const newest = await db().eventLog.findMany({ where: { eventId, seq: { gt: after } }, orderBy: { seq: "desc" }, take: limit + 1 });
  if (newest.length === 0) return { entries: [], skipped: 0, lastSeq: after };
  const lastSeq = newest[0].seq;
  let skipped = 0;
  if (newest.length > limit) {
    newest.pop();
    // Sequence numbers have no gaps: the rows left out are exactly those between.
    skipped = Number(newest[newest.length - 1].seq - after - 1n);
  }
  return { entries: newest.reverse().map(toLogEntry), skipped, lastSeq };
}

/** The event's newest log sequence number (0 before its first row). */
export async function lastLogSeq(eventId: number): Promise<bigint> {
  const row = await db().eventLog.findFirst({ where: { eventId }, orderBy: { seq: "desc" }, select: { seq: true } });
  return row?.seq ?? 0n;
}
