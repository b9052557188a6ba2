import "server-only";
import { FORECAST_WINDOW_MS, forecastSellOut, remainingFromSamples } from "@/lib/contracts/analytics";
import type { RunSummary, WaitSummary } from "@/lib/contracts/history";
import { readRows } from "@/lib/db/read";
import { historyEvent } from "./scope";
import { endedRunMemo } from "./ended-runs";
import { runWindows, type RunWindow } from "./window";

const summaries = endedRunMemo<RunSummary>("summary");

// A summary of every run of an event, computed in MySQL from the rows the run left: tickets by
// the (eventId, run, soldAt, id) index, waits by the (eventId, run, completedAt, vip, waitMs)
// index, start and end from the control log rows and the configuration recorded at start.

type Counts = { run: number; released: number; sold: number };

async function waits(eventId: number, run: number, vip: boolean): Promise<WaitSummary> {
  const where = "eventId = ? AND run = ? AND completedAt IS NOT NULL AND vip = ? AND waitMs IS NOT NULL";
  const [{ n }] = await readRows<{ n: number }>(`SELECT COUNT(*) AS n FROM Purchase WHERE ${where}`, [eventId, run, vip ? 1 : 0]);
  if (n === 0) return { served: 0, medianMs: null, p95Ms: null };
  // Nearest rank, as the dashboard's percentiles; a single-row probe each, not a page.
  const at = async (p: number) =>
    (await readRows<{ w: number }>(`SELECT waitMs AS w FROM Purchase WHERE ${where} ORDER BY waitMs LIMIT 1 OFFSET ?`, [eventId, run, vip ? 1 : 0, Math.max(0, Math.ceil(p * n) - 1)]))[0]?.w ?? null;
  const [medianMs, p95Ms] = await Promise.all([at(0.5), at(0.95)]);
  return { served: n, medianMs, p95Ms };
}

/** When the run had sold `fraction` of its tickets, how far off the forecast was from the real sell-out, in ms (+ = too late). */
async function forecastErrors(eventId: number, w: RunWindow, total: number, sold: number): Promise<RunSummary["forecast"]> {
  if (!w.startedAt || !w.soldOutAt || sold < total) return [];
  const start = w.startedAt.getTime();
  const actual = w.soldOutAt.getTime();
  const out: RunSummary["forecast"] = [];
  for (const fraction of [0.25, 0.5, 0.75]) {
    const k = Math.max(1, Math.ceil(fraction * total));
    const [row] = await readRows<{ at: Date }>("SELECT soldAt AS at FROM Ticket WHERE eventId = ? AND run = ? AND soldAt IS NOT NULL ORDER BY soldAt, id LIMIT 1 OFFSET ?", [eventId, w.run, k - 1]);
    if (!row) continue;
    const at = row.at.getTime();
    const forecast = forecastSellOut({ startedAt: start, now: at, sold: k, total });
    // The dashboard's forecast, as it stood then: the sales of the last FORECAST_WINDOW_MS.
    const from = Math.max(start, at - FORECAST_WINDOW_MS);
    const [{ n }] = await readRows<{ n: number }>("SELECT COUNT(*) AS n FROM Ticket WHERE eventId = ? AND run = ? AND soldAt > ? AND soldAt <= ?", [eventId, w.run, new Date(from), row.at]);
    const remaining = remainingFromSamples([{ at: from, sold: k - Number(n) }, { at, sold: k }], total);
    const recent = remaining === null ? null : at + remaining;
    if (forecast !== null) {
      out.push({
        fraction,
        atMs: at - start,
        forecastMs: Math.round(forecast - start),
        errorMs: Math.round(forecast - actual),
        recentForecastMs: recent === null ? null : Math.round(recent - start),
        recentErrorMs: recent === null ? null : Math.round(recent - actual),
      });
    }
  }
  return out;
}

/** The most tickets sold in one second of the run (seconds counted from its start; a last, shorter second counts at its own length). */
async function peakRate(eventId: number, run: number, start: number | null, end: number): Promise<number | null> {
  if (start === null) return null;
  const seconds = await readRows<{ s: number; n: number }>(
    "SELECT FLOOR(TIMESTAMPDIFF(MICROSECOND, ?, at) / 1000000) AS s, SUM(n) AS n FROM (SELECT soldAt AS at, COUNT(*) AS n FROM Ticket WHERE eventId = ? AND run = ? AND soldAt IS NOT NULL GROUP BY soldAt) moves GROUP BY s",
    [new Date(start), eventId, run],
  );
  let peak = 0;
  for (const { s, n } of seconds) {
    const length = Math.min(1_000, Math.max(100, end - (start + Number(s) * 1_000)));
    peak = Math.max(peak, (Number(n) * 1_000) / length);
  }
  return Math.round(peak * 100) / 100;
}

export async function runSummaries(eventId: number, only?: number): Promise<RunSummary[]> {
  const ev = await historyEvent(eventId, only);
  const wanted = only !== undefined ? [only] : Array.from({ length: ev.run }, (_, i) => i + 1);
  const known = new Map<number, RunSummary>();
  for (const run of wanted) {
    const kept = run < ev.run ? summaries.get(eventId, run) : undefined;
    if (kept) known.set(run, kept);
  }
  const todo = wanted.filter((run) => !known.has(run));
  if (todo.length === 0) return wanted.map((run) => known.get(run)!);
  const runList = todo.map(() => "?").join(", ");
  const [windows, counts, vendors, customers] = await Promise.all([
    runWindows(ev, only),
    readRows<Counts>(`SELECT run, COUNT(*) AS released, COUNT(soldAt) AS sold FROM Ticket WHERE eventId = ? AND run IN (${runList}) GROUP BY run`, [eventId, ...todo]),
    readRows<{ createdAt: Date; removedAt: Date | null }>("SELECT createdAt, removedAt FROM Vendor WHERE eventId = ?", [eventId]),
    readRows<{ createdAt: Date; removedAt: Date | null }>("SELECT createdAt, removedAt FROM Customer WHERE eventId = ?", [eventId]),
  ]);
  const now = Date.now();
  return Promise.all(
    windows.map(async (w): Promise<RunSummary> => {
      const ended = known.get(w.run);
      if (ended) return ended;
      const summary = await summarise(w);
      if (w.run < ev.run) summaries.set(eventId, w.run, summary);
      return summary;
    }),
  );

  async function summarise(w: RunWindow): Promise<RunSummary> {
    const c = counts.find((x) => x.run === w.run);
    const released = Number(c?.released ?? 0);
    const sold = Number(c?.sold ?? 0);
    const start = w.startedAt?.getTime() ?? null;
    const end = w.endedAt?.getTime() ?? null;
    const durationMs = start === null ? null : (end ?? now) - start;
    // Actors present at any moment of the run: added before it ended, not removed before it began.
    const during = (a: { createdAt: Date; removedAt: Date | null }) => start !== null && a.createdAt.getTime() <= (end ?? now) && (a.removedAt === null || a.removedAt.getTime() >= start);
    const total = w.config?.totalTickets ?? ev.totalTickets;
    const [vip, regular, forecast, peakSaleRate] = await Promise.all([waits(eventId, w.run, true), waits(eventId, w.run, false), forecastErrors(eventId, w, total, sold), peakRate(eventId, w.run, start, end ?? now)]);
    return {
      run: w.run,
      current: w.run === ev.run,
      startedAt: w.startedAt?.toISOString() ?? null,
      endedAt: w.endedAt?.toISOString() ?? null,
      durationMs,
      soldOutAt: w.soldOutAt?.toISOString() ?? null,
      timeToSellOutMs: w.soldOutAt && start !== null ? w.soldOutAt.getTime() - start : null,
      released,
      sold,
      averageSaleRate: durationMs ? Math.round((sold / (durationMs / 1000)) * 100) / 100 : null,
      peakSaleRate,
      waits: { vip, regular },
      actors: { vendors: vendors.filter(during).length, customers: customers.filter(during).length },
      config: w.config,
      forecast,
    };
  }
}
