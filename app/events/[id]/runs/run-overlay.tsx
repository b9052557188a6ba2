"use client";

import { useSyncExternalStore } from "react";
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { Analytics } from "@/lib/contracts/analytics";
import { formatCount, formatRate } from "@/lib/contracts/format";

// Two runs' charts overlaid on one time axis counted from each run's start: tickets sold
// (cumulative) and the pool level.

const mountedStore = { subscribe: () => () => {}, client: () => true, server: () => false };

export function RunOverlay({ a, b }: { a: Analytics; b: Analytics }) {
  const mounted = useSyncExternalStore(mountedStore.subscribe, mountedStore.client, mountedStore.server);
  const max = Math.max(a.points[a.points.length - 1]?.t ?? 0, b.points[b.points.length - 1]?.t ?? 0, 1);
  const charts = [
    { id: "sold", title: "Tickets sold (cumulative)", key: "cumulativeSold" as const },
    { id: "pool", title: "Pool level", key: "pool" as const },
  ];
  return (
    <div className="chart-grid">
      {charts.map((c) => (
        <figure key={c.id} className="chart" data-testid={`overlay-${c.id}`} aria-labelledby={`overlay-${c.id}-title`}>
          <h3 id={`overlay-${c.id}-title`}>
            {c.title}: run {a.run} and run {b.run}
          </h3>
          <div style={{ height: 260 }}>
            {mounted ? (
              <ResponsiveContainer width="100%" height={260}>
                <LineChart margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
                  <CartesianGrid strokeDasharray="3 3" />
                  <XAxis dataKey="t" type="number" domain={[0, max]} tickFormatter={(v: number) => formatRate(v / 1000)} label={{ value: "time since the run's start (s)", position: "insideBottom", offset: -4 }} height={44} allowDuplicatedCategory={false} />
                  <YAxis tickFormatter={formatCount} label={{ value: "tickets", angle: -90, position: "insideLeft" }} width={88} />
                  <Tooltip labelFormatter={(l) => `${formatRate(Number(l) / 1000)} s after the start`} formatter={(v, name) => [`${formatCount(Number(v))} tickets`, name]} />
                  <Legend verticalAlign="top" />
                  <Line data={a.points} type="linear" dataKey={c.key} name={`run ${a.run}`} stroke="#2f5bd3" dot={false} isAnimationActive={false} strokeWidth={2} />
                  <Line data={b.points} type="linear" dataKey={c.key} name={`run ${b.run}`} stroke="#e07a3f" dot={false} isAnimationActive={false} strokeWidth={2} strokeDasharray="8 3" />
                </LineChart>
              </ResponsiveContainer>
            ) : (
              <p className="muted chart-loading">Loading chart…</p>
            )}
          </div>
          <figcaption className="muted">
            Run {a.run}: {formatCount(a.points.length)} points of {formatRate(a.bucketMs / 1000)} s; run {b.run}: {formatCount(b.points.length)} points of {formatRate(b.bucketMs / 1000)} s. The comparison table above holds the numbers.
          </figcaption>
        </figure>
      ))}
    </div>
  );
}
