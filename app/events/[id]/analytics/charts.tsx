"use client";

import { useSyncExternalStore, type ReactNode } from "react";
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { Analytics } from "@/lib/contracts/analytics";
import { formatCount, formatDuration, formatRate } from "@/lib/contracts/format";

// The analytics charts (recharts). Every chart has axes with units, a legend, a tooltip and a
// caption; the data table beside them is the text alternative. Colours are paired with dash
// patterns and legend names, so colour is never the only signal.

const COLOURS = { released: "#2f5bd3", sold: "#1b6a35", pool: "#e07a3f", held: "#7a3fa0", vip: "#9a6b00", regular: "#5a6374", forecast: "#4337a6", capacity: "#cf4a4a" };
const seconds = (ms: number) => `${formatRate(ms / 1000)} s`;
const HEIGHT = 260;

/** False on the server and during hydration: the charts measure the page, so they draw in the browser only. */
function useMounted(): boolean {
  return useSyncExternalStore(
    () => () => {},
    () => true,
    () => false,
  );
}

function ChartFrame({ id, title, caption, points, last, children }: { id: string; title: string; caption: string; points: number; last: string; children: ReactNode }) {
  const mounted = useMounted();
  return (
    <figure className="chart card" data-testid={`chart-${id}`} data-points={points} data-last={last} aria-labelledby={`chart-${id}-title`}>
      <h3 id={`chart-${id}-title`}>{title}</h3>
      <div className="chart-plot" style={{ height: HEIGHT }}>
        {mounted ? (
          <ResponsiveContainer width="100%" height={HEIGHT}>
            {children as React.ReactElement}
          </ResponsiveContainer>
        ) : (
          <p className="muted chart-loading">Loading chart…</p>
        )}
      </div>
      <figcaption className="muted">{caption}</figcaption>
    </figure>
  );
}

const timeAxis = (max: number) => (
  <XAxis dataKey="t" type="number" domain={[0, Math.max(max, 1)]} tickFormatter={(v: number) => formatRate(v / 1000)} label={{ value: "time since start (s)", position: "insideBottom", offset: -4 }} height={44} />
);
const tooltipTime = (label: unknown) => `${seconds(Number(label))} after the start`;

export function PoolChart({ a }: { a: Analytics }) {
  const last = a.points[a.points.length - 1];
  return (
    <ChartFrame id="pool" title="Pool level" points={a.points.length} last={String(last?.pool ?? 0)} caption={`Tickets in the pool at the end of each ${seconds(a.bucketMs)} bucket, and of those the ones held by checkout holds (dashed); the red dashed line is the capacity (${formatCount(a.maxTicketCapacity)}).`}>
      <LineChart data={a.points} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
        <CartesianGrid strokeDasharray="3 3" />
        {timeAxis(last?.t ?? 0)}
        <YAxis domain={[0, Math.max(a.maxTicketCapacity, 1)]} tickFormatter={formatCount} label={{ value: "tickets", angle: -90, position: "insideLeft" }} width={88} />
        <Tooltip labelFormatter={tooltipTime} formatter={(v, name) => [`${formatCount(Number(v))} tickets`, String(name)]} />
        <Legend verticalAlign="top" />
        <ReferenceLine y={a.maxTicketCapacity} stroke={COLOURS.capacity} strokeDasharray="6 4" label={{ value: "capacity", position: "insideTopRight" }} />
        <Line type="linear" dataKey="pool" name="tickets in the pool" stroke={COLOURS.pool} dot={false} isAnimationActive={false} strokeWidth={2} />
        <Line type="linear" dataKey="held" name="of them held" stroke={COLOURS.held} strokeDasharray="5 3" dot={false} isAnimationActive={false} strokeWidth={2} />
      </LineChart>
    </ChartFrame>
  );
}

export function CumulativeChart({ a }: { a: Analytics }) {
  const last = a.points[a.points.length - 1];
  const projecting = a.forecastMs !== null && a.soldOutMs === null && last !== undefined && a.forecastMs > last.t;
  const projection = projecting ? [{ t: last.t, forecast: last.cumulativeSold }, { t: a.forecastMs!, forecast: a.totalTickets }] : [];
  const max = Math.max(last?.t ?? 0, projecting ? a.forecastMs! : 0);
  return (
    <ChartFrame
      id="cumulative"
      title="Released and sold, cumulative"
      points={a.points.length}
      last={String(last?.cumulativeSold ?? 0)}
      caption={`Tickets released and sold since the start; the dashed line at ${formatCount(a.totalTickets)} is the total${projecting ? ", and the dotted line projects the sales to the forecast sell-out" : ""}.`}
    >
      <LineChart data={a.points} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
        <CartesianGrid strokeDasharray="3 3" />
        {timeAxis(max)}
        <YAxis domain={[0, Math.max(a.totalTickets, 1)]} tickFormatter={formatCount} label={{ value: "tickets", angle: -90, position: "insideLeft" }} width={88} />
        <Tooltip labelFormatter={tooltipTime} formatter={(v, name) => [`${formatCount(Number(v))} tickets`, name]} />
        <Legend verticalAlign="top" />
        <ReferenceLine y={a.totalTickets} stroke={COLOURS.capacity} strokeDasharray="6 4" label={{ value: "total", position: "insideTopRight" }} />
        <Line type="linear" dataKey="cumulativeReleased" name="released" stroke={COLOURS.released} dot={false} isAnimationActive={false} strokeWidth={2} />
        <Line type="linear" dataKey="cumulativeSold" name="sold" stroke={COLOURS.sold} dot={false} isAnimationActive={false} strokeWidth={2} strokeDasharray="8 3" />
        {projecting && <Line type="linear" data={projection} dataKey="forecast" name="forecast" stroke={COLOURS.forecast} dot={false} isAnimationActive={false} strokeDasharray="2 4" strokeWidth={2} />}
      </LineChart>
    </ChartFrame>
  );
}

/** Where a wave of returned holds begins (a bucket with returns after one without), at most 12, leaving out waves under 5 % of the largest bucket of returns: each is where a second rush starts. */
export function returnWaves(points: Analytics["points"]): number[] {
  const most = Math.max(0, ...points.map((p) => p.returned ?? 0));
  const starts: number[] = [];
  points.forEach((p, i) => {
    if ((p.returned ?? 0) >= Math.max(1, most * 0.05) && (i === 0 || (points[i - 1].returned ?? 0) === 0)) starts.push(p.t);
  });
  return starts.slice(0, 12);
}

export function RateChart({ a }: { a: Analytics }) {
  const last = a.points[a.points.length - 1];
  const returns = a.points.some((p) => (p.returned ?? 0) > 0);
  const perSecond = 1_000 / a.bucketMs;
  const data = returns ? a.points.map((p) => ({ ...p, returnRate: Math.round((p.returned ?? 0) * perSecond * 100) / 100 })) : a.points;
  const caption = returns
    ? `Tickets per second in each ${seconds(a.bucketMs)} bucket, and the tickets of abandoned or released holds going back to the pool (dotted; a purple mark where a wave of returns begins). Returned tickets go to the queue first: the sale rate rises again once their new holders confirm — the second rush.`
    : `Tickets per second in each ${seconds(a.bucketMs)} bucket.`;
  return (
    <ChartFrame id="rates" title={returns ? "Release, sale and return rate" : "Release and sale rate"} points={a.points.length} last={String(last?.saleRate ?? 0)} caption={caption}>
      <LineChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
        <CartesianGrid strokeDasharray="3 3" />
        {timeAxis(last?.t ?? 0)}
        <YAxis tickFormatter={formatCount} label={{ value: "tickets/s", angle: -90, position: "insideLeft" }} width={88} />
        <Tooltip labelFormatter={tooltipTime} formatter={(v, name) => [`${formatRate(Number(v))} tickets/s`, name]} />
        <Legend verticalAlign="top" />
        <Line type="linear" dataKey="releaseRate" name="release rate" stroke={COLOURS.released} dot={false} isAnimationActive={false} strokeWidth={2} />
        <Line type="linear" dataKey="saleRate" name="sale rate" stroke={COLOURS.sold} dot={false} isAnimationActive={false} strokeWidth={2} strokeDasharray="8 3" />
        {returns && <Line type="linear" dataKey="returnRate" name="returned from holds" stroke={COLOURS.held} dot={false} isAnimationActive={false} strokeWidth={2} strokeDasharray="2 3" />}
        {returns && returnWaves(a.points).map((t, i) => <ReferenceLine key={t} x={t} stroke={COLOURS.held} strokeOpacity={0.6} label={i === 0 ? { value: "holds return", position: "insideTopLeft", fill: COLOURS.held } : undefined} />)}
      </LineChart>
    </ChartFrame>
  );
}

export function WaitChart({ a }: { a: Analytics }) {
  const last = a.points[a.points.length - 1];
  return (
    <ChartFrame id="waits" title="Waits per class over time" points={a.points.length} last={String(last?.regularMedianMs ?? "")} caption="Median and 95th-percentile wait of the purchases served in each bucket, VIP and regular (from a histogram in quarter-octave bins).">
      <LineChart data={a.points} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
        <CartesianGrid strokeDasharray="3 3" />
        {timeAxis(last?.t ?? 0)}
        <YAxis tickFormatter={formatCount} label={{ value: "wait (ms)", angle: -90, position: "insideLeft" }} width={88} />
        <Tooltip labelFormatter={tooltipTime} formatter={(v, name) => [v === null || v === undefined ? "none served" : formatDuration(Number(v)), name]} />
        <Legend verticalAlign="top" />
        <Line type="linear" dataKey="vipMedianMs" name="VIP median" stroke={COLOURS.vip} dot={false} isAnimationActive={false} strokeWidth={2} connectNulls />
        <Line type="linear" dataKey="vipP95Ms" name="VIP p95" stroke={COLOURS.vip} dot={false} isAnimationActive={false} strokeDasharray="2 3" connectNulls />
        <Line type="linear" dataKey="regularMedianMs" name="regular median" stroke={COLOURS.regular} dot={false} isAnimationActive={false} strokeWidth={2} connectNulls />
        <Line type="linear" dataKey="regularP95Ms" name="regular p95" stroke={COLOURS.regular} dot={false} isAnimationActive={false} strokeDasharray="2 3" connectNulls />
      </LineChart>
    </ChartFrame>
  );
}

export function WaitHistogram({ a }: { a: Analytics }) {
  const data = a.waitHistogram.map((h) => ({ ...h, label: formatDuration(h.upToMs) }));
  return (
    <ChartFrame id="wait-histogram" title="How long purchases waited" points={data.length} last={String(data[data.length - 1]?.regular ?? 0)} caption="Purchases served, by wait (each bar: waits up to that length), VIP and regular.">
      <BarChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="label" label={{ value: "wait up to", position: "insideBottom", offset: -4 }} height={44} />
        <YAxis tickFormatter={formatCount} label={{ value: "purchases", angle: -90, position: "insideLeft" }} width={88} />
        <Tooltip formatter={(v, name) => [`${formatCount(Number(v))} purchases`, name]} />
        <Legend verticalAlign="top" />
        <Bar dataKey="vip" name="VIP" fill={COLOURS.vip} isAnimationActive={false} />
        <Bar dataKey="regular" name="regular" fill={COLOURS.regular} isAnimationActive={false} />
      </BarChart>
    </ChartFrame>
  );
}

export function TopChart({ id, title, rows, unit }: { id: string; title: string; rows: { name: string; tickets: number }[]; unit: string }) {
  return (
    <ChartFrame id={id} title={title} points={rows.length} last={String(rows[rows.length - 1]?.tickets ?? 0)} caption={`The ${rows.length} ${unit} with the most tickets in this run.`}>
      <BarChart data={rows} layout="vertical" margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis type="number" tickFormatter={formatCount} label={{ value: "tickets", position: "insideBottom", offset: -4 }} height={44} />
        <YAxis type="category" dataKey="name" width={150} interval={0} />
        <Tooltip formatter={(v) => [`${formatCount(Number(v))} tickets`, "tickets"]} />
        <Legend verticalAlign="top" />
        <Bar dataKey="tickets" name="tickets" fill={COLOURS.released} isAnimationActive={false} />
      </BarChart>
    </ChartFrame>
  );
}
