import "server-only";
import type { WaitStats } from "@/lib/contracts/purchase";
import { db } from "@/lib/db/client";
import { singleton } from "@/lib/platform/singleton";
import { SERVING_ORDER_SQL } from "./order";

// What the queue looks like now and how long buyers waited, per class, for the event's view.

/** Everyone waiting in the event's queue, in serving order (the first 5,000). */
export async function queueNow(eventId: number, run: number): Promise<{ customerId: number | null; vip: boolean }[]> {
  const rows = await db().$queryRawUnsafe<{ customerId: number | null; vip: boolean | number }[]>(
    `SELECT customerId, vip FROM Purchase WHERE eventId = ? AND run = ? AND status = 'QUEUED' ORDER BY ${SERVING_ORDER_SQL} LIMIT 5000`,
    eventId,
    run,
  );
  return rows.map((r) => ({ customerId: r.customerId === null ? null : Number(r.customerId), vip: Boolean(r.vip) }));
}

/**
 * How many of a class were served in the run, and the median and 95th-percentile wait of the
 * latest 1,000 to join. `maxAgeMs`: an answer computed that recently for the same event, run
 * and class will do (the live feed asks ten times a second; the count reads every served
 * purchase of the run).
 */
export async function waitStats(eventId: number, run: number, vip: boolean, maxAgeMs = 0): Promise<Omit<WaitStats, "waiting">> {
  const cache = singleton("wait-stats", () => new Map<string, { at: number; run: number; value: Omit<WaitStats, "waiting"> }>());
  const key = `${eventId}:${vip}`;
  const hit = cache.get(key);
  if (maxAgeMs > 0 && hit && hit.run === run && Date.now() - hit.at < maxAgeMs) return hit.value;
  const at = Date.now();
  const [rows, served] = await Promise.all([
    // Newest first along the (eventId, run, status, vip, requestedAt) index: 1,000 rows read, not every served one.
    db().purchase.findMany({ where: { eventId, run, vip, status: "COMPLETED" }, orderBy: [{ requestedAt: "desc" }, { id: "desc" }], select: { waitMs: true }, take: 1_000 }),
    db().purchase.count({ where: { eventId, run, vip, status: "COMPLETED" } }),
  ]);
  const waits = rows.map((r) => r.waitMs ?? 0).sort((a, b) => a - b);
  const value = { served, medianMs: percentile(waits, 0.5), p95Ms: percentile(waits, 0.95) };
  if (maxAgeMs > 0) cache.set(key, { at, run, value });
  return value;
}

/** Nearest-rank percentile (0 < p ≤ 1) of ascending values, or null when there are none. */
export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}
