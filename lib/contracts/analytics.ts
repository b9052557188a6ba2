// Pure arithmetic of the analytics: the time bucket a chart uses, percentiles read off a wait
// histogram, and the sell-out forecast. Shared by the server (which aggregates in MySQL) and
// the pages (which show the forecast live); no I/O.

/** Bucket sizes a chart may use, in ms: round numbers a person reads on an axis. */
const BUCKETS_MS = [100, 200, 250, 500, 1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 21_600_000, 43_200_000, 86_400_000];
export const MAX_POINTS = 300;

/** The smallest round bucket that draws a run of `spanMs` in at most MAX_POINTS points. */
export function bucketFor(spanMs: number): number {
  return BUCKETS_MS.find((b) => Math.ceil(Math.max(spanMs, 1) / b) <= MAX_POINTS) ?? Math.ceil(spanMs / MAX_POINTS / 86_400_000) * 86_400_000;
}

/** Waits are binned by quarter octaves (each bin ≈ 19% wider than the last): bin 0 holds 0–1 ms. */
export function waitBin(ms: number): number {
  return ms < 1 ? 0 : Math.floor(Math.log2(ms) * 4) + 1;
}

/** The largest wait a bin holds (its upper edge), in ms. */
export function binUpperMs(bin: number): number {
  return bin <= 0 ? 1 : Math.round(2 ** (bin / 4));
}

/** The p-quantile (0 < p ≤ 1) of a histogram (bin → count), as the upper edge of its bin; null when empty. */
export function histogramQuantile(bins: [bin: number, count: number][], p: number): number | null {
  const total = bins.reduce((s, [, n]) => s + n, 0);
  if (total === 0) return null;
  const rank = Math.ceil(p * total);
  let seen = 0;
  for (const [bin, n] of [...bins].sort((a, b) => a[0] - b[0])) {
    seen += n;
    if (seen >= rank) return binUpperMs(bin);
  }
  return null;
}

/**
 * When the run will sell out, from how fast it has sold so far (the average since its start):
 * null while nothing is sold or the run has no start, the sell-out time itself once sold out.
 */
export function forecastSellOut(o: { startedAt: number | null; now: number; sold: number; total: number }): number | null {
  if (o.startedAt === null || o.sold <= 0 || o.now <= o.startedAt) return null;
  if (o.sold >= o.total) return o.now;
  const rate = o.sold / (o.now - o.startedAt);
  return o.now + (o.total - o.sold) / rate;
}

/** A point of the analytics series: one time bucket, counts of its tickets and its waits. */
export type AnalyticsPoint = {
  /** ms from the run's start to the bucket's end */
  t: number;
  released: number;
  sold: number;
  cumulativeReleased: number;
  cumulativeSold: number;
  pool: number;
  /** Of the pool, tickets held by checkout holds at the bucket's end (a second rush shows as this falling when abandoned holds return). */
  held: number;
  /** Tickets of abandoned or released holds that went back to the pool in this bucket: where a second rush starts. */
  returned: number;
  releaseRate: number;
  saleRate: number;
  vipMedianMs: number | null;
  vipP95Ms: number | null;
  regularMedianMs: number | null;
  regularP95Ms: number | null;
};

export type Analytics = {
  eventId: number;
  run: number;
  status: string;
  startedAt: string | null;
  endedAt: string | null;
  bucketMs: number;
  totalTickets: number;
  maxTicketCapacity: number;
  released: number;
  sold: number;
  points: AnalyticsPoint[];
  waitHistogram: { upToMs: number; vip: number; regular: number }[];
  topVendors: { name: string; tickets: number }[];
  topBuyers: { name: string; vip: boolean; tickets: number }[];
  /** ms from the start at which the run is forecast to sell out (null without sales) */
  forecastMs: number | null;
  soldOutMs: number | null;
  queryMs: number;
};

/** A count of sold tickets seen at a moment (ms). */
export type SoldSample = { at: number; sold: number };

/** Samples older than this are dropped: the live forecast follows the recent sale rate. */
export const FORECAST_WINDOW_MS = 15_000;

/**
 * The live forecast of the dashboard: how long until the last ticket sells, at the rate of the
 * last FORECAST_WINDOW_MS (at least 2 s of samples); null while that cannot be told.
 */
export function remainingFromSamples(samples: SoldSample[], total: number): number | null {
  if (samples.length < 2) return null;
  const first = samples[0];
  const last = samples[samples.length - 1];
  if (last.sold >= total) return 0;
  const span = last.at - first.at;
  const sold = last.sold - first.sold;
  if (span < 2_000 || sold <= 0) return null;
  return ((total - last.sold) * span) / sold;
}
