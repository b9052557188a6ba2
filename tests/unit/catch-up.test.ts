import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { catchUpRounds, MAX_GAP_MS, planCatchUp, type CatchUpInput } from "../../lib/engine/catch-up";

// What an on-demand driver owes a sale nobody drove for a while: the rates × the gap, capped
// as the pool would have capped it.

const sale = (o: Partial<CatchUpInput> = {}): CatchUpInput => ({
  gapMs: 10_000,
  totalTickets: 10_000,
  maxTicketCapacity: 1_000,
  released: 0,
  sold: 0,
  available: 0,
  vendors: [{ id: 1, rate: 10 }, { id: 2, rate: 30 }],
  customers: [{ id: 7, rate: 20 }],
  ...o,
});

describe("catching up a gap", () => {
  it("releases and sells what the rates allowed for the elapsed time when nothing capped them", () => {
    const p = planCatchUp(sale());
    assert.deepEqual([p.released, p.sold], [400, 200]);
    assert.deepEqual(p.releases, [{ id: 1, tickets: 100 }, { id: 2, tickets: 300 }]);
    assert.deepEqual(p.buys, [{ id: 7, tickets: 200 }]);
  });

  it("fills the pool no further than its capacity plus what was sold meanwhile", () => {
    const p = planCatchUp(sale({ maxTicketCapacity: 100, available: 40, released: 40 }));
    assert.deepEqual([p.released, p.sold], [260, 200]); // ends with 100 in the pool
    assert.equal(40 + p.released - p.sold, 100);
  });

  it("sells no more than was there, and releases no more than the tickets left", () => {
    const p = planCatchUp(sale({ totalTickets: 150, released: 100, sold: 90, available: 10, customers: [{ id: 7, rate: 100 }] }));
    assert.deepEqual([p.released, p.sold], [50, 60]);
    const none = planCatchUp(sale({ vendors: [], available: 5, released: 5 }));
    assert.deepEqual([none.released, none.sold], [0, 5]);
  });

  it("owes nothing for no gap, a negative gap or no actors, and caps a gap at a day", () => {
    for (const o of [{ gapMs: 0 }, { gapMs: -5_000 }, { vendors: [], customers: [] }]) {
      const p = planCatchUp(sale(o));
      assert.deepEqual([p.released, p.sold, p.releases.length, p.buys.length], [0, 0, 0, 0], JSON.stringify(o));
    }
    const week = planCatchUp(sale({ gapMs: 7 * MAX_GAP_MS, totalTickets: 1e12, maxTicketCapacity: 1e12, vendors: [{ id: 1, rate: 1 }], customers: [] }));
    assert.equal(week.released, MAX_GAP_MS / 1000);
  });

  it("splits a capped total over the vendors in proportion to what each was owed, never more than owed", () => {
    const p = planCatchUp(sale({ totalTickets: 7, vendors: [{ id: 1, rate: 1 }, { id: 2, rate: 1 }, { id: 3, rate: 1 }] }));
    assert.equal(p.released, 7);
    assert.deepEqual(p.releases.map((s) => s.tickets).sort(), [2, 2, 3]);
    for (const s of p.releases) assert.ok(s.tickets <= 10);
  });

  it("feeds the plan in bounded rounds whose slices add up to every share exactly", () => {
    const plan = planCatchUp(sale({ gapMs: 100_000, totalTickets: 1e6, maxTicketCapacity: 1e6 }));
    const rounds = catchUpRounds(plan, 700);
    assert.equal(rounds.length, Math.ceil(4_000 / 700));
    for (const r of rounds) assert.ok(r.released <= 700 && r.sold <= 700);
    const total = (k: "releases" | "buys", id: number) => rounds.flatMap((r) => r[k]).filter((s) => s.id === id).reduce((a, s) => a + s.tickets, 0);
    assert.equal(total("releases", 1), 1_000);
    assert.equal(total("releases", 2), 3_000);
    assert.equal(total("buys", 7), 2_000);
    assert.deepEqual(catchUpRounds(planCatchUp(sale({ gapMs: 0 })), 700), []);
  });
});
