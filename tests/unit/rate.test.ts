import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RateMeter } from "../../lib/engine/rate";

describe("rate → batch arithmetic", () => {
  it("releases 0.1 tickets/s as one ticket every 10 seconds", () => {
    const m = new RateMeter(0.1, 0);
    assert.equal(m.delayMs(100), 10_000);
    assert.equal(m.take(9_999), 0);
    assert.equal(m.take(10_000), 1);
  });

  it("batches high rates per tick and carries the fraction over", () => {
    const m = new RateMeter(2_500, 0);
    assert.equal(m.delayMs(100), 100);
    let total = 0;
    for (let t = 100; t <= 1_000; t += 100) total += m.take(t);
    assert.equal(total, 2_500);
  });

  it("keeps fractional rates exact over time", () => {
    const m = new RateMeter(3.3, 0);
    let total = 0;
    for (let t = 100; t <= 10_000; t += 100) total += m.take(t);
    assert.equal(total, 33);
  });

  it("does not turn a long stall into a burst of more than one second's worth", () => {
    const m = new RateMeter(50, 0);
    assert.equal(m.take(60_000), 50);
  });

  it("forgets time spent blocked after a restart", () => {
    const m = new RateMeter(10, 0);
    m.restart(5_000);
    assert.equal(m.take(5_100), 1);
  });

  it("rejects a rate that is not positive", () => {
    assert.throws(() => new RateMeter(0, 0), RangeError);
  });
});

describe("the purchase rate limit", () => {
  it("allows a burst, then one request per 1/rate seconds, and says how long to wait", async () => {
    const { Limiter } = await import("../../lib/server/rate-limit");
    const l = new Limiter();
    const limit = { perSecond: 2, burst: 3 };
    assert.deepEqual([0, 1, 2].map(() => l.take("a", limit, 1_000)), [0, 0, 0]);
    assert.equal(l.take("a", limit, 1_000), 1);
    assert.equal(l.take("a", limit, 1_500), 0, "half a second at 2/s earns a token");
    assert.equal(l.take("b", limit, 1_500), 0, "each key has its own bucket");
  });

  it("keeps at most its bound of buckets, forgetting the least recently used first", async () => {
    const { Limiter } = await import("../../lib/server/rate-limit");
    const l = new Limiter(3);
    const limit = { perSecond: 1, burst: 1 };
    for (const k of ["a", "b", "c"]) assert.equal(l.take(k, limit, 0), 0);
    assert.equal(l.take("a", limit, 0), 1, "a is spent, and now the most recently used");
    assert.equal(l.take("d", limit, 0), 0, "d pushes out b, the least recently used");
    assert.equal(l.size, 3);
    assert.equal(l.take("a", limit, 0), 1, "a was kept: still spent");
    assert.equal(l.take("b", limit, 0), 0, "b was forgotten: a fresh bucket");
  });

  it("looks at no more than one other bucket per request, however many it holds (no scans)", async () => {
    const { Limiter } = await import("../../lib/server/rate-limit");
    const l = new Limiter(50_000);
    const limit = { perSecond: 1, burst: 1 };
    for (let i = 0; i < 50_000; i++) l.take(`k${i}`, limit, 0);
    // Count every step any iterator of the limiter's map takes from here on.
    const map = (l as unknown as { buckets: Map<string, unknown> }).buckets;
    let steps = 0;
    for (const name of ["keys", "values", "entries", Symbol.iterator] as const) {
      const original = map[name].bind(map) as () => Iterator<unknown>;
      (map as unknown as Record<string | symbol, unknown>)[name] = () => {
        const it = original();
        return { next: () => (steps++, it.next()), [Symbol.iterator]() { return this; } };
      };
    }
    let forEach = 0;
    map.forEach = () => void forEach++;
    for (let i = 0; i < 1_000; i++) l.take(`new${i}`, limit, 60_000 + i); // each one evicts the oldest
    for (let i = 0; i < 1_000; i++) l.take(`k${49_999 - i}`, limit, 120_000 + i);
    assert.ok(steps <= 2_000, `${steps} iterator steps for 2,000 requests`);
    assert.equal(forEach, 0);
    assert.equal(l.size, 50_000);
  });
});
