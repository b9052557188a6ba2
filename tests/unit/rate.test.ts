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
    const { takeToken } = await import("../../lib/server/rate-limit");
    const limit = { perSecond: 2, burst: 3 };
    const key = `unit-${Math.random()}`;
    assert.deepEqual([0, 1, 2].map(() => takeToken(key, limit, 1_000)), [0, 0, 0]);
    assert.equal(takeToken(key, limit, 1_000), 1);
    assert.equal(takeToken(key, limit, 1_500), 0, "half a second at 2/s earns a token");
    assert.equal(takeToken(`${key}-other`, limit, 1_500), 0, "each address has its own bucket");
  });
});
