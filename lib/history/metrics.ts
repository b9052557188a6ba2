import "server-only";
import { readRows } from "@/lib/db/read";
import { metrics } from "@/lib/platform/metrics";

// GET /api/metrics: the per-event gauges are read from the database at each scrape (the
// Event rows and the queue by class), so any instance reports the same global numbers; the
// histograms and the process's own metrics are what this process measured.

/** Events reported per scrape: the newest ones (a label per event; a scrape stays small). */
const MAX_EVENTS = 500;

export async function renderMetrics(): Promise<{ body: string; contentType: string }> {
  const m = metrics();
  const events = await readRows<{ id: number; run: number; status: string; released: number; sold: number; available: number; maxTicketCapacity: number }>(
    `SELECT id, run, status, released, sold, available, maxTicketCapacity FROM Event ORDER BY id DESC LIMIT ${MAX_EVENTS}`,
  );
  const live = events.filter((e) => e.status === "RUNNING" || e.status === "STOPPED");
  const queues = await Promise.all(
    live.map((e) => readRows<{ vip: number; n: number }>("SELECT vip, COUNT(*) AS n FROM Purchase WHERE eventId = ? AND run = ? AND status = 'QUEUED' GROUP BY vip", [e.id, e.run])),
  );
  for (const g of [m.released, m.sold, m.pool, m.capacity, m.queue]) g.reset();
  for (const e of events) {
    const event = String(e.id);
    m.released.set({ event }, e.released);
    m.sold.set({ event }, e.sold);
    m.pool.set({ event }, e.available);
    m.capacity.set({ event }, e.maxTicketCapacity);
  }
  live.forEach((e, i) => {
    const event = String(e.id);
    m.queue.set({ event, class: "vip" }, Number(queues[i].find((q) => q.vip)?.n ?? 0));
    m.queue.set({ event, class: "regular" }, Number(queues[i].find((q) => !q.vip)?.n ?? 0));
  });
  return { body: await m.registry.metrics(), contentType: m.registry.contentType };
}
