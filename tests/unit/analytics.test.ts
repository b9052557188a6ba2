import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { binUpperMs, bucketFor, forecastSellOut, histogramQuantile, MAX_POINTS, remainingFromSamples, waitBin } from "../../lib/contracts/analytics";

describe("the chart's time bucket", () => {
  it("is the smallest round size that draws the run in at most 300 points", () => {
    assert.equal(bucketFor(0), 100);
    assert.equal(bucketFor(30_000), 100);
    assert.equal(bucketFor(30_001), 200);
    assert.equal(bucketFor(22_000), 100);
    assert.equal(bucketFor(3_600_000), 15_000);
    for (const span of [1, 999, 61_234, 7_777_777, 86_400_000 * 3, 86_400_000 * 400]) {
      assert.ok(Math.ceil(span / bucketFor(span)) <= MAX_POINTS, `span ${span}`);
    }
  });
});

describe("wait percentiles read off quarter-octave bins", () => {
  it("bins a wait into the bin whose upper edge is at most 19 % above it", () => {
    for (const ms of [1, 2, 3, 7, 10, 99, 1_000, 12_345, 600_000]) {
      const upper = binUpperMs(waitBin(ms));
      assert.ok(upper >= ms * 0.99 && upper <= ms * 1.2 + 1, `${ms} ms → ${upper} ms`);
    }
    assert.equal(waitBin(0), 0);
    assert.equal(binUpperMs(0), 1);
  });

  it("takes the nearest-rank quantile of the counts", () => {
    const bins: [number, number][] = [[waitBin(10), 50], [waitBin(100), 45], [waitBin(1_000), 5]];
    assert.equal(histogramQuantile(bins, 0.5), binUpperMs(waitBin(10)));
    assert.equal(histogramQuantile(bins, 0.95), binUpperMs(waitBin(100)));
    assert.equal(histogramQuantile(bins, 0.96), binUpperMs(waitBin(1_000)));
    assert.equal(histogramQuantile([], 0.5), null);
  });
});

describe("the sell-out forecast", () => {
  it("projects the average rate since the start to the tickets left", () => {
    assert.equal(forecastSellOut({ startedAt: 0, now: 10_000, sold: 250, total: 1_000 }), 40_000);
    assert.equal(forecastSellOut({ startedAt: 0, now: 10_000, sold: 0, total: 1_000 }), null);
    assert.equal(forecastSellOut({ startedAt: null, now: 10_000, sold: 5, total: 1_000 }), null);
    assert.equal(forecastSellOut({ startedAt: 0, now: 10_000, sold: 1_000, total: 1_000 }), 10_000);
  });

  it("projects the recent rate for the dashboard, once it has seen two seconds of sales", () => {
    assert.equal(remainingFromSamples([{ at: 0, sold: 100 }, { at: 5_000, sold: 600 }], 1_600), 10_000);
    assert.equal(remainingFromSamples([{ at: 0, sold: 100 }, { at: 1_000, sold: 600 }], 1_600), null, "under 2 s");
    assert.equal(remainingFromSamples([{ at: 0, sold: 600 }, { at: 5_000, sold: 600 }], 1_600), null, "nothing sold meanwhile");
    assert.equal(remainingFromSamples([{ at: 0, sold: 1_600 }, { at: 5_000, sold: 1_600 }], 1_600), 0);
    assert.equal(remainingFromSamples([{ at: 0, sold: 1 }], 10), null);
  });
});
