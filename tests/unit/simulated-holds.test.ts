import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { simulatesHolds } from "../../lib/contracts/event";
import { lineUp } from "../../lib/pool/line";
import { planSettlement } from "../../lib/pool/plan";
import { abandons, servedAsSimulatedHold } from "../../lib/pool/simulated-holds";

// Simulated customers' checkout holds (issue 18, part 3): the pure rules.

const buyer = (customerId: number, vip: boolean, want: number, at: number) => ({ customerId, name: `C${customerId}`, vip, want, quantity: want, state: "WORKING" as const, purchaseId: null, joinedAt: new Date(at) });

describe("simulated holds", () => {
  it("are on when customers may abandon a hold or take time to confirm one, and off when both are 0", () => {
    assert.equal(simulatesHolds({ holdAbandonPercent: 0, holdConfirmSeconds: 0 }), false);
    assert.equal(simulatesHolds({ holdAbandonPercent: 30, holdConfirmSeconds: 0 }), true);
    assert.equal(simulatesHolds({ holdAbandonPercent: 0, holdConfirmSeconds: 5 }), true);
  });

  it("line simulated customers up as holds in the same order, VIPs first", () => {
    const places = lineUp([buyer(1, false, 2, 1), buyer(2, true, 2, 2)], [], new Set(), true);
    assert.deepEqual(places.map((p) => [p.name, p.hold, p.allOrNothing]), [["C2", true, false], ["C1", true, false]]);
    assert.ok(lineUp([buyer(1, false, 2, 1)], [], new Set()).every((p) => !p.hold), "off by default");
  });

  it("hold what there is: held tickets stay in the pool's space, and a partly served hold ends with what it got", () => {
    const places = lineUp([buyer(1, true, 3, 1), buyer(2, false, 3, 2)], [], new Set(), true);
    const plan = planSettlement({ totalTickets: 10, maxTicketCapacity: 4, released: 4, sold: 0, available: 4, held: 0 }, [{ want: 6 }], places);
    assert.deepEqual(plan.bought, [3, 1]);
    assert.deepEqual({ sold: plan.after.sold, held: plan.after.held, available: plan.after.available, released: plan.after.released }, { sold: 0, held: 4, available: 0, released: 4 }, "no room for the vendor while 4 are held");
    assert.deepEqual(places.map((p, k) => servedAsSimulatedHold(p, plan.bought[k])), [true, true]);
    assert.equal(servedAsSimulatedHold(places[0], 0), false, "nothing got, still waiting");
  });

  it("abandon with the event's chance", () => {
    assert.equal(abandons(0, () => 0), false);
    assert.equal(abandons(100, () => 0.999), true);
    assert.equal(abandons(30, () => 0.29), true);
    assert.equal(abandons(30, () => 0.3), false);
    let n = 0;
    let seed = 1;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let i = 0; i < 10_000; i++) if (abandons(30, random)) n++;
    assert.ok(n > 2_800 && n < 3_200, `${n} of 10,000`);
  });
});
