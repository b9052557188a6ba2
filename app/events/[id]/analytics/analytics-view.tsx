"use client";

import { useCallback, useState } from "react";
import type { Analytics } from "@/lib/contracts/analytics";
import { formatCount, formatDuration, formatRate } from "@/lib/contracts/format";
import { useNow } from "@/app/_components/use-now";
import { useLiveRefresh } from "../_history/use-live-refresh";
import { CumulativeChart, PoolChart, RateChart, TopChart, WaitChart, WaitHistogram } from "./charts";

// The analytics of one run, kept live while the run is the event's current one and not sold
// out (an idle run that starts later fills in by itself): the aggregates are fetched again, at
// most once a second, whenever the live stream reports a change. Everything shown is computed
// in MySQL by time bucket.

export function AnalyticsView({ initial, liveRun }: { initial: Analytics; liveRun: boolean }) {
  const [a, setA] = useState(initial);
  const [problem, setProblem] = useState<string | null>(null);
  const now = useNow();
  const refresh = useCallback(async () => {
    try {
      const res = await fetch(`/api/events/${initial.eventId}/analytics?run=${initial.run}`, { cache: "no-store" });
      if (!res.ok) throw new Error(((await res.json()) as { error?: { message?: string } }).error?.message ?? `HTTP ${res.status}`);
      setA((await res.json()) as Analytics);
      setProblem(null);
    } catch (err) {
      setProblem(`Could not refresh the charts: ${(err as Error).message}`);
    }
  }, [initial.eventId, initial.run]);
  useLiveRefresh(initial.eventId, liveRun, refresh);

  const last = a.points[a.points.length - 1];
  const start = a.startedAt ? Date.parse(a.startedAt) : null;
  let forecast = "no forecast yet: nothing sold";
  if (a.soldOutMs !== null) forecast = `sold out ${formatDuration(a.soldOutMs)} after the start`;
  else if (a.forecastMs !== null && start !== null) forecast = now === null ? "…" : `sold out in ≈ ${formatDuration(Math.max(0, start + a.forecastMs - now))}`;

  return (
    <div className="analytics">
      <section className="card analytics-summary" aria-labelledby="summary-title">
        <h2 id="summary-title">Run {formatCount(a.run)} in numbers</h2>
        <p data-testid="analytics-summary">
          {formatCount(a.released)} of {formatCount(a.totalTickets)} tickets released, {formatCount(a.sold)} sold, {formatCount(a.released - a.sold)} in the pool (capacity {formatCount(a.maxTicketCapacity)}).{" "}
          <strong data-testid="forecast">{forecast}</strong>
          {a.points.length > 0 && ` · ${formatCount(a.points.length)} points of ${formatRate(a.bucketMs / 1000)} s · computed in ${formatCount(a.queryMs)} ms`}
        </p>
        <p role="status" aria-live="polite" className={problem ? "field-error" : "visually-hidden"}>
          {problem ?? (liveRun ? "The charts follow the sale live." : "")}
        </p>
      </section>
      {a.points.length === 0 ? (
        <div className="empty-state card" data-testid="analytics-empty">
          <p className="empty-title">No tickets in this run yet</p>
          <p className="muted">Start the sale on the dashboard; the charts fill in as tickets are released and sold.</p>
        </div>
      ) : (
        <>
          <div className="chart-grid">
            <PoolChart a={a} />
            <CumulativeChart a={a} />
            <RateChart a={a} />
            <WaitChart a={a} />
            <WaitHistogram a={a} />
            <TopChart id="vendors" title="Top vendors" rows={a.topVendors} unit="vendors" />
            <TopChart id="buyers" title="Top buyers" rows={a.topBuyers} unit="buyers" />
          </div>
          <details className="card data-details">
            <summary>The charts as a table ({formatCount(a.points.length)} rows)</summary>
            <div className="table-scroll" tabIndex={0} role="region" aria-label="Chart data">
              <table className="data-table" data-testid="analytics-table">
                <caption className="visually-hidden">Tickets and waits per {formatRate(a.bucketMs / 1000)} s bucket</caption>
                <thead>
                  <tr>
                    <th scope="col">time since start (s)</th>
                    <th scope="col">released (cumulative)</th>
                    <th scope="col">sold (cumulative)</th>
                    <th scope="col">in the pool</th>
                    <th scope="col">of them held</th>
                    <th scope="col">returned from holds</th>
                    <th scope="col">release rate (tickets/s)</th>
                    <th scope="col">sale rate (tickets/s)</th>
                    <th scope="col">VIP wait median / p95</th>
                    <th scope="col">regular wait median / p95</th>
                  </tr>
                </thead>
                <tbody>
                  {a.points.map((p) => (
                    <tr key={p.t}>
                      <td className="num">{formatRate(p.t / 1000)}</td>
                      <td className="num">{formatCount(p.cumulativeReleased)}</td>
                      <td className="num">{formatCount(p.cumulativeSold)}</td>
                      <td className="num">{formatCount(p.pool)}</td>
                      <td className="num">{formatCount(p.held ?? 0)}</td>
                      <td className="num">{formatCount(p.returned ?? 0)}</td>
                      <td className="num">{formatRate(p.releaseRate)}</td>
                      <td className="num">{formatRate(p.saleRate)}</td>
                      <td className="num">{wait(p.vipMedianMs, p.vipP95Ms)}</td>
                      <td className="num">{wait(p.regularMedianMs, p.regularP95Ms)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
          {last && <p className="visually-hidden">At the last point, {formatCount(last.cumulativeSold)} tickets were sold.</p>}
        </>
      )}
    </div>
  );
}

function wait(median: number | null, p95: number | null): string {
  return median === null ? "—" : `${formatDuration(median)} / ${formatDuration(p95 ?? median)}`;
}
