import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestDatabase, useDatabase, type TestDatabase } from "../helpers/database";
import { waitFor } from "../helpers/invariants";
import { spawnDriver } from "../helpers/spawn";

// Pause, resume, add and remove sent to an instance that does not drive the sale (this test's
// process) take effect on the instance that does (another process): its batches refuse paused
// and removed actors at once, and it follows the actor rows to stop and start their loops.

let t: TestDatabase;
let lib: {
  createEvent: typeof import("../../lib/events/create").createEvent;
  roster: typeof import("../../lib/events/roster");
  engine: typeof import("../../lib/engine/engine").engine;
  closeDb: () => Promise<void>;
};

before(async () => {
  t = await createTestDatabase("elsewhere");
  useDatabase(t.url);
  lib = {
    createEvent: (await import("../../lib/events/create")).createEvent,
    roster: await import("../../lib/events/roster"),
    engine: (await import("../../lib/engine/engine")).engine,
    closeDb: (await import("../../lib/db/client")).closeDb,
  };
});

after(async () => {
  await lib.closeDb();
  await t.drop();
});

async function count(table: "Vendor" | "Customer", id: number): Promise<number> {
  const [rows] = await t.sql.query(`SELECT ${table === "Vendor" ? "released" : "bought"} AS n FROM ${table} WHERE id = ?`, [id]);
  return Number((rows as { n: number }[])[0].n);
}

/** How much an actor's count grows over `ms`. */
async function growth(table: "Vendor" | "Customer", id: number, ms: number): Promise<number> {
  const before = await count(table, id);
  await new Promise((r) => setTimeout(r, ms));
  return (await count(table, id)) - before;
}

describe("controls sent to an instance that does not drive the sale", () => {
  it("pause, resume, add and remove take effect on the driving instance", async () => {
    const id = await lib.createEvent({ name: "Elsewhere", totalTickets: 1_000_000, maxTicketCapacity: 200, ticketReleaseRate: 40, customerRetrievalRate: 20, vendors: 2, customers: 2, vipCustomers: 0 });
    await t.sql.query("UPDATE Event SET status = 'RUNNING' WHERE id = ?", [id]);
    await t.sql.query("UPDATE Vendor SET state = 'WORKING' WHERE eventId = ?", [id]);
    await t.sql.query("UPDATE Customer SET state = 'WORKING' WHERE eventId = ?", [id]);
    const [vs] = await t.sql.query("SELECT id FROM Vendor WHERE eventId = ? ORDER BY id", [id]);
    const [cs] = await t.sql.query("SELECT id FROM Customer WHERE eventId = ? ORDER BY id", [id]);
    const [v1] = (vs as { id: number }[]).map((r) => r.id);
    const [c1, c2] = (cs as { id: number }[]).map((r) => r.id);
    const driver = spawnDriver(t.url, id, "instance", { INSTANCE_ID: "driver" });
    try {
      await waitFor("the other instance to drive and sell", async () => (await count("Customer", c1)) > 5, 20_000);
      assert.equal(lib.engine().isDriving(id), false, "this process does not drive the sale");

      await lib.roster.setActorPaused(id, "customer", c1, true);
      await new Promise((r) => setTimeout(r, 300)); // a batch already written may still land
      assert.equal(await growth("Customer", c1, 1_500), 0, "a paused customer buys nothing more");
      assert.ok((await growth("Customer", c2, 1_000)) > 0, "the others go on");

      // The driver sees the change at its next batch (the event's roster counter moves), well
      // before its slow timer (2 s) would read the actor rows again.
      const boughtWhilePaused = await count("Customer", c1);
      await lib.roster.setActorPaused(id, "customer", c1, false);
      await waitFor("the resumed customer to buy again", async () => (await count("Customer", c1)) > boughtWhilePaused, 1_000, 20);

      const added = await lib.roster.addActor(id, "vendor", { name: "Late vendor", vip: false, rate: 30 });
      await waitFor("the vendor added elsewhere to release", async () => (await count("Vendor", added.id)) > 0, 1_000, 20);

      await lib.roster.removeActor(id, "vendor", v1);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(await growth("Vendor", v1, 1_500), 0, "a removed vendor releases nothing more");
      const [states] = await t.sql.query("SELECT state FROM Customer WHERE id = ?", [c2]);
      assert.notEqual((states as { state: string }[])[0].state, "PAUSED");
    } finally {
      await t.sql.query("UPDATE Event SET status = 'STOPPED' WHERE id = ?", [id]);
      assert.equal(await driver.exited, 0);
    }
  });
});
