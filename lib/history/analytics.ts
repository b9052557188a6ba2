import "server-only";
import { bucketFor, forecastSellOut, histogramQuantile, type Analytics, type AnalyticsPoint } from "@/lib/contracts/analytics";
import { readRows } from "@/lib/db/read";
import { endedRunMemo } from "./ended-runs";
import { historyEvent, type HistoryEvent } from "./scope";
import { runWindows } from "./window";

// The analytics of one run, aggregated in MySQL by time bucket — never a ticket row in
// JavaScript: releases by (eventId, run, releasedAt), sales by (eventId, run, soldAt, id),
// waits binned by class from the covering (eventId, run, completedAt, vip, waitMs) index, and
// the top vendors and buyers from the log's move rows (one per batch move, not per ticket).
// The bucket grows with the run's length so that a chart never has more than 300 points.

const TOP = 10;
const charts = endedRunMemo<Analytics>("analytics");

type Count = { b: number; n: number };
type WaitCount = { b: number; vip: number; bin: number; n: number };

const bucketExpr = (column: string) => `FLOOR(TIMESTAMPDIFF(MICROSECOND, ?, ${column}) / ?)`;

export async function runAnalytics(eventId: number, run?: number): Promise<Analytics> {
  const began = performance.now();
  const ev = await historyEvent(eventId, run);
  const r = run ?? ev.run;
  const ended = r < ev.run ? charts.get(eventId, r) : undefined;
  if (ended) return { ...ended, queryMs: Math.round(performance.now() - began) };
  const result = await compute(ev, r, began);
  if (r < ev.run) charts.set(eventId, r, result);
  return result;
}

async function compute(ev: HistoryEvent, r: number, began: number): Promise<Analytics> {
  const eventId = ev.id;
  const [w] = await runWindows(ev, r);
  const now = Date.now();
  const startMs = w.startedAt?.getTime() ?? null;
  const total = w.config?.totalTickets ?? ev.totalTickets;
  const capacity = w.config?.maxTicketCapacity ?? ev.maxTicketCapacity;
  const base = { eventId, run: r, status: r === ev.run ? ev.status : "ENDED", startedAt: w.startedAt?.toISOString() ?? null, endedAt: w.endedAt?.toISOString() ?? null, totalTickets: total, maxTicketCapacity: capacity };
  if (startMs === null) {
    return { ...base, bucketMs: 1_000, released: 0, sold: 0, points: [], waitHistogram: [], topVendors: [], topBuyers: [], forecastMs: null, soldOutMs: null, queryMs: Math.round(performance.now() - began) };
  }
  const endMs = w.endedAt?.getTime() ?? now;
  const bucketMs = bucketFor(endMs - startMs);
  const start = new Date(startMs);
  const micro = bucketMs * 1_000;
  const [released, sold, waits, vendors, buyers, holds] = await Promise.all([
    // Counted per distinct timestamp first (one per batch, in index order: no temporary table
    // over a million rows, no function per row), then per bucket over those few thousand.
    readRows<Count>(`SELECT ${bucketExpr("at")} AS b, SUM(n) AS n FROM (SELECT releasedAt AS at, COUNT(*) AS n FROM Ticket WHERE eventId = ? AND run = ? GROUP BY releasedAt) moves GROUP BY b`, [start, micro, eventId, r]),
    readRows<Count>(`SELECT ${bucketExpr("at")} AS b, SUM(n) AS n FROM (SELECT soldAt AS at, COUNT(*) AS n FROM Ticket WHERE eventId = ? AND run = ? AND soldAt IS NOT NULL GROUP BY soldAt) moves GROUP BY b`, [start, micro, eventId, r]),
    readRows<WaitCount>(
      `SELECT ${bucketExpr("completedAt")} AS b, vip, IF(waitMs < 1, 0, FLOOR(LOG2(waitMs) * 4) + 1) AS bin, COUNT(*) AS n
         FROM Purchase WHERE eventId = ? AND run = ? AND completedAt IS NOT NULL AND waitMs IS NOT NULL GROUP BY b, vip, bin`,
      [start, micro, eventId, r],
    ),
    readRows<{ name: string; n: number }>(`SELECT actor AS name, SUM(tickets) AS n FROM EventLog WHERE eventId = ? AND kind = 'RELEASED' AND run = ? GROUP BY actor ORDER BY n DESC, actor LIMIT ${TOP}`, [eventId, r]),
    readRows<{ name: string; vip: number; n: number }>(`SELECT actor AS name, MAX(vip) AS vip, SUM(tickets) AS n FROM EventLog WHERE eventId = ? AND kind IN ('SOLD', 'CONFIRMED') AND run = ? GROUP BY actor ORDER BY n DESC, actor LIMIT ${TOP}`, [eventId, r]),
    // Checkout holds from the log's hold rows: + when held, − when returned or confirmed.
    readRows<Count & { returned: number }>(
      `SELECT ${bucketExpr("createdAt")} AS b, SUM(IF(kind = 'HELD', tickets, -tickets)) AS n, SUM(IF(kind = 'RETURNED', tickets, 0)) AS returned FROM EventLog WHERE eventId = ? AND kind IN ('HELD', 'RETURNED', 'CONFIRMED') AND run = ? GROUP BY b`,
      [start, micro, eventId, r],
    ),
  ]);

  const last = Math.max(0, Math.ceil((endMs - startMs) / bucketMs) - 1, ...released.map((x) => Number(x.b)), ...sold.map((x) => Number(x.b)));
  const rel = new Map(released.map((x) => [Number(x.b), Number(x.n)]));
  const sol = new Map(sold.map((x) => [Number(x.b), Number(x.n)]));
  const hel = new Map(holds.map((x) => [Number(x.b), Number(x.n)]));
  const ret = new Map(holds.map((x) => [Number(x.b), Number(x.returned)]));
  const hist = new Map<string, [number, number][]>();
  const overall = new Map<number, { vip: number; regular: number }>();
  for (const x of waits) {
    const key = `${Number(x.b)}:${x.vip ? 1 : 0}`;
    const list = hist.get(key) ?? [];
    list.push([Number(x.bin), Number(x.n)]);
    hist.set(key, list);
    const o = overall.get(Number(x.bin)) ?? { vip: 0, regular: 0 };
    o[x.vip ? "vip" : "regular"] += Number(x.n);
    overall.set(Number(x.bin), o);
  }
  const points: AnalyticsPoint[] = [];
  let cr = 0;
  let cs = 0;
  let ch = 0;
  const perSecond = 1_000 / bucketMs;
  for (let b = Math.min(0, ...released.map((x) => Number(x.b))); b <= last; b++) {
    const nr = rel.get(b) ?? 0;
    const ns = sol.get(b) ?? 0;
    cr += nr;
    cs += ns;
    ch += hel.get(b) ?? 0;
    const vipBins = hist.get(`${b}:1`) ?? [];
    const regBins = hist.get(`${b}:0`) ?? [];
    points.push({
      t: Math.min((b + 1) * bucketMs, endMs - startMs),
      released: nr,
      sold: ns,
      cumulativeReleased: cr,
      cumulativeSold: cs,
      pool: cr - cs,
      held: ch,
      returned: ret.get(b) ?? 0,
      releaseRate: Math.round(nr * perSecond * 100) / 100,
      saleRate: Math.round(ns * perSecond * 100) / 100,
      vipMedianMs: histogramQuantile(vipBins, 0.5),
      vipP95Ms: histogramQuantile(vipBins, 0.95),
      regularMedianMs: histogramQuantile(regBins, 0.5),
      regularP95Ms: histogramQuantile(regBins, 0.95),
    });
  }
  const soldOutMs = w.soldOutAt ? w.soldOutAt.getTime() - startMs : null;
  const forecast = soldOutMs ?? forecastSellOut({ startedAt: startMs, now: endMs, sold: cs, total });
  return {
    ...base,
    bucketMs,
    released: cr,
    sold: cs,
    points,
    waitHistogram: [...overall.entries()].sort((a, b) => a[0] - b[0]).map(([bin, c]) => ({ upToMs: Math.round(2 ** (bin / 4)) || 1, ...c })),
    topVendors: vendors.map((v) => ({ name: v.name, tickets: Number(v.n) })),
    topBuyers: buyers.map((v) => ({ name: v.name, vip: Boolean(v.vip), tickets: Number(v.n) })),
    forecastMs: forecast === null ? null : soldOutMs ?? Math.round(forecast - startMs),
    soldOutMs,
    queryMs: Math.round(performance.now() - began),
  };
}
