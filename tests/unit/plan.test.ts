import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { planSettlement, type PoolNumbers } from "../../lib/pool/plan";

const pool = (p: Partial<PoolNumbers> = {}): PoolNumbers => ({ totalTickets: 100, maxTicketCapacity: 10, released: 0, sold: 0, available: 0, ...p });

describe("settling a batch of pool work", () => {
  it("never fills the pool above its capacity", () => {
    const plan = planSettlement(pool(), [{ want: 8 }, { want: 8 }], []);
    assert.deepEqual(plan.released, [8, 2]);
    assert.equal(plan.after.available, 10);
    assert.equal(plan.full, true);
    assert.equal(plan.exhausted, false);
  });

  it("never releases more than the total", () => {
    const plan = planSettlement(pool({ totalTickets: 12, maxTicketCapacity: 12, released: 10, sold: 5, available: 5 }), [{ want: 5 }], []);
    assert.deepEqual(plan.released, [2]);
    assert.equal(plan.after.released, 12);
    assert.equal(plan.exhausted, true);
    assert.equal(plan.full, false);
    assert.equal(plan.soldOut, false);
  });

  it("serves buyers in the order given and leaves the rest waiting", () => {
    const plan = planSettlement(pool({ released: 3, available: 3 }), [], [{ want: 2 }, { want: 2 }, { want: 1 }]);
    assert.deepEqual(plan.bought, [2, 1, 0]);
    assert.equal(plan.after.available, 0);
    assert.equal(plan.after.sold, 3);
  });

  it("refills the pool as buyers drain it, within one batch", () => {
    // capacity 10: release 10, sell 10, release 5 more, sell 5 — and the pool never exceeds 10.
    const plan = planSettlement(pool(), [{ want: 15 }], [{ want: 15 }]);
    assert.deepEqual(plan.released, [15]);
    assert.deepEqual(plan.bought, [15]);
    let available = 0;
    for (const m of plan.moves) {
      available += m.kind === "release" ? m.count : -m.count;
      assert.ok(available >= 0 && available <= 10, `available ${available} out of bounds`);
    }
  });

  it("reports sold out when everything released has been sold", () => {
    const plan = planSettlement(pool({ totalTickets: 5, maxTicketCapacity: 5 }), [{ want: 5 }], [{ want: 3 }, { want: 3 }]);
    assert.equal(plan.soldOut, true);
    assert.deepEqual(plan.bought, [3, 2]);
    assert.equal(plan.after.sold, 5);
  });

  it("keeps sold + available = released", () => {
    for (let i = 0; i < 200; i++) {
      const total = 1 + Math.floor(Math.random() * 200);
      const cap = 1 + Math.floor(Math.random() * total);
      const released = Math.floor(Math.random() * (total + 1));
      const available = Math.min(cap, Math.floor(Math.random() * (released + 1)));
      const start = pool({ totalTickets: total, maxTicketCapacity: cap, released, available, sold: released - available });
      const rand = () => Array.from({ length: Math.floor(Math.random() * 5) }, () => ({ want: 1 + Math.floor(Math.random() * 30) }));
      const { after } = planSettlement(start, rand(), rand());
      assert.equal(after.sold + after.available, after.released);
      assert.ok(after.available <= cap && after.released <= total && after.available >= 0);
    }
  });
});

describe("batch size limit", () => {
  it("gives waiting buyers their share of what is released, however fast the vendors", () => {
    const vendors = Array.from({ length: 5 }, () => ({ want: 10_000 }));
    const plan = planSettlement(pool({ totalTickets: 1_000_000, maxTicketCapacity: 100_000 }), vendors, [{ want: 3, allOrNothing: true }, { want: 2_000 }], 4_000);
    assert.equal(plan.bought[0], 3, "the real buyer is served in this batch");
    assert.ok(plan.bought[1] > 1_000, `the next buyer gets a share too (${plan.bought[1]})`);
    assert.ok(plan.released.reduce((a, b) => a + b, 0) + plan.bought.reduce((a, b) => a + b, 0) <= 4_000);
    assert.equal(plan.truncated, true);
  });

  it("stops at the limit and says the rest is for the next batch", () => {
    const plan = planSettlement(pool({ maxTicketCapacity: 100 }), [{ want: 50 }], [{ want: 50 }], 60);
    assert.equal(plan.released[0] + plan.bought[0], 60);
    assert.equal(plan.truncated, true);
    assert.equal(plan.full, false);
    const whole = planSettlement(pool({ maxTicketCapacity: 100 }), [{ want: 50 }], [{ want: 50 }], 1_000);
    assert.equal(whole.truncated, false);
  });
});

describe("all-or-nothing purchases (real buyers)", () => {
  it("waits at its place in line until the pool holds all it asks for, and nobody behind it is served", () => {
    const plan = planSettlement(pool({ released: 2, available: 2 }), [], [{ want: 3, allOrNothing: true }, { want: 1 }]);
    assert.deepEqual(plan.bought, [0, 0]);
    assert.deepEqual(plan.unfillable, [false, false]);
  });

  it("is served whole once enough tickets are in the pool", () => {
    const plan = planSettlement(pool(), [{ want: 4 }], [{ want: 3, allOrNothing: true }, { want: 5 }]);
    assert.deepEqual(plan.bought, [3, 1]);
  });

  it("is refused when every ticket is released and too few are left, and the next in line is served", () => {
    const plan = planSettlement(pool({ totalTickets: 10, released: 10, sold: 8, available: 2 }), [], [{ want: 3, allOrNothing: true }, { want: 2, allOrNothing: true }]);
    assert.deepEqual(plan.unfillable, [true, false]);
    assert.deepEqual(plan.bought, [0, 2]);
    assert.equal(plan.soldOut, true);
  });
});

describe("checkout holds in the plan", () => {
  it("counts held tickets against the pool's space: vendors release only into what is neither available nor held", () => {
    const plan = planSettlement(pool({ released: 8, held: 8 }), [{ want: 10 }], []);
    assert.deepEqual(plan.released, [2]);
    assert.equal(plan.full, true);
  });

  it("holds instead of selling for a hold, and is not sold out while tickets are held", () => {
    const plan = planSettlement(pool({ totalTickets: 3, released: 3, available: 3 }), [], [{ want: 2, allOrNothing: true, hold: true }, { want: 1, allOrNothing: true }]);
    assert.deepEqual(plan.bought, [2, 1]);
    assert.deepEqual([plan.after.sold, plan.after.held, plan.after.available], [1, 2, 0]);
    assert.equal(plan.soldOut, false, "held tickets may still come back");
  });

  it("keeps a buyer waiting, not refused, while held tickets could still return to it", () => {
    const plan = planSettlement(pool({ totalTickets: 4, released: 4, sold: 1, held: 2, available: 1 }), [], [{ want: 3, allOrNothing: true }, { want: 4, allOrNothing: true }]);
    assert.deepEqual(plan.unfillable, [false, false], "its place in line holds, and nobody behind it is served");
    assert.deepEqual(plan.bought, [0, 0]);
    assert.equal(plan.soldOut, false);
  });
});

describe("log ranges around held tickets", () => {
  it("splits a sale around held tickets, and a hold into runs of consecutive ids", async () => {
    const { runsOf, splitAround } = await import("../../lib/pool/runs");
    assert.deepEqual(splitAround([1n, 2n, 5n, 6n, 9n], [3n, 4n, 7n]), [[1n, 2n], [5n, 6n], [9n]]);
    assert.deepEqual(splitAround([1n, 2n, 3n], []), [[1n, 2n, 3n]]);
    assert.deepEqual(splitAround([5n, 6n], [1n, 9n]), [[5n, 6n]]);
    assert.deepEqual(runsOf([1n, 2n, 4n, 5n, 7n]), [[1n, 2n], [4n, 5n], [7n]]);
  });
});

describe("wait percentiles", () => {
  it("uses the nearest rank, and says nothing about no data", async () => {
    const { percentile } = await import("../../lib/purchases/wait-stats");
    const waits = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.equal(percentile(waits, 0.5), 50);
    assert.equal(percentile(waits, 0.95), 95);
    assert.equal(percentile([7], 0.95), 7);
    assert.equal(percentile([], 0.5), null);
  });
});
