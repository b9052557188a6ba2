import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestDatabase, useDatabase, type TestDatabase } from "../helpers/database";

// A queue may form before a sale starts, but nobody waits for ever: a real buyer's purchase
// that has waited longer than PURCHASE_MAX_WAIT_MS leaves the queue (CANCELLED, logged), and
// the others keep their place.

let t: TestDatabase;
let lib: {
  createEvent: typeof import("../../lib/events/create").createEvent;
  buy: typeof import("../../lib/events/buy").buy;
  expireWaits: typeof import("../../lib/purchases/cancel").expireWaits;
  getPurchase: typeof import("../../lib/purchases/read").getPurchase;
  closeDb: () => Promise<void>;
  closeSql: () => Promise<void>;
};

before(async () => {
  t = await createTestDatabase("maxwait");
  useDatabase(t.url);
  process.env.ENGINE_AUTOSTART = "false";
  lib = {
    createEvent: (await import("../../lib/events/create")).createEvent,
    buy: (await import("../../lib/events/buy")).buy,
    expireWaits: (await import("../../lib/purchases/cancel")).expireWaits,
    getPurchase: (await import("../../lib/purchases/read")).getPurchase,
    closeDb: (await import("../../lib/db/client")).closeDb,
    closeSql: (await import("../../lib/db/sql")).closeSql,
  };
});

after(async () => {
  await lib.closeSql();
  await lib.closeDb();
  await t.drop();
});

describe("a purchase that waits too long", () => {
  it("leaves the queue after PURCHASE_MAX_WAIT_MS; a newer one keeps its place", async () => {
    // The event has not started: buyers line up before the doors open.
    const id = await lib.createEvent({ name: "Before the doors open", totalTickets: 100, maxTicketCapacity: 10, ticketReleaseRate: 1, customerRetrievalRate: 1, vendors: 0, customers: 0, vipCustomers: 0 });
    const old = await lib.buy(id, { buyer: "Early bird", quantity: 2, vip: false }, { deadline: Date.now(), source: "API" });
    const fresh = await lib.buy(id, { buyer: "Newcomer", quantity: 1, vip: false }, { deadline: Date.now(), source: "API" });
    assert.equal(old.purchase.status, "QUEUED");
    assert.equal(fresh.purchase.status, "QUEUED");
    await t.sql.query("UPDATE Purchase SET requestedAt = requestedAt - INTERVAL 25 HOUR WHERE publicId = ?", [old.purchase.purchaseId]);

    assert.equal(await lib.expireWaits(24 * 3_600_000), 1);
    assert.equal((await lib.getPurchase(old.purchase.purchaseId)).status, "CANCELLED");
    const kept = await lib.getPurchase(fresh.purchase.purchaseId);
    assert.equal(kept.status, "QUEUED");
    assert.equal(kept.position, 1, "the newer buyer is now first in line");
    const [rows] = await t.sql.query("SELECT actor, message FROM EventLog WHERE eventId = ? AND kind = 'CANCELLED'", [id]);
    assert.deepEqual(rows, [{ actor: "system", message: "1 purchase left the queue after waiting more than 24 h" }]);
    assert.equal(await lib.expireWaits(24 * 3_600_000), 0, "nothing more to expire");
  });
});
