import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestDatabase, useDatabase, type TestDatabase } from "../helpers/database";
import { assertPoolInvariants, eventStatus, waitFor } from "../helpers/invariants";
import { spawnDriver, type Driver } from "../helpers/spawn";

// Three app instances on one database: one drives the sale (it holds the event's lease), the
// others stand by; `kill -9` of the driver hands the sale to a survivor within 5 s, which
// continues from what the database holds. One driver at a time keeps the simulated rates.

let t: TestDatabase;
let createEvent: typeof import("../../lib/events/create").createEvent;
let closeDb: () => Promise<void>;

before(async () => {
  t = await createTestDatabase("failover");
  useDatabase(t.url);
  createEvent = (await import("../../lib/events/create")).createEvent;
  closeDb = (await import("../../lib/db/client")).closeDb;
});

after(async () => {
  await closeDb();
  await t.drop();
});

async function driverOf(id: number): Promise<string | null> {
  const [rows] = await t.sql.query("SELECT driverInstance AS d FROM Event WHERE id = ?", [id]);
  return (rows as { d: string | null }[])[0].d;
}

describe("several instances, one driver per event", () => {
  it("hands the sale to a survivor within 5 s of a kill -9, one driver at a time, nothing lost or doubled", async (ctx) => {
    // 3 vendors × 40/s = 120 tickets/s with one driver (360/s if all three drove it).
    const id = await createEvent({ name: "Failover", totalTickets: 2_400, maxTicketCapacity: 60, ticketReleaseRate: 40, customerRetrievalRate: 30, vendors: 3, customers: 8, vipCustomers: 2 });
    await t.sql.query("UPDATE Event SET status = 'RUNNING' WHERE id = ?", [id]);
    await t.sql.query("UPDATE Vendor SET state = 'WORKING' WHERE eventId = ?", [id]);
    await t.sql.query("UPDATE Customer SET state = 'WORKING' WHERE eventId = ?", [id]);
    const instances = new Map<string, Driver>(["A", "B", "C"].map((name) => [name, spawnDriver(t.url, id, "instance", { INSTANCE_ID: name, ENGINE_TICK_MS: "100" })]));
    try {
      await waitFor("one instance to drive the sale", async () => (await driverOf(id)) !== null, 20_000);
      const first = (await driverOf(id))!;
      assert.ok(instances.has(first));

      // One driver: the sale goes at the rate of one (measured over 3 s of steady selling).
      await waitFor("the sale to get going", async () => (await eventStatus(t.sql, id)).sold >= 100, 20_000);
      const s0 = (await eventStatus(t.sql, id)).sold;
      const t0 = Date.now();
      await new Promise((r) => setTimeout(r, 3_000));
      const rate = ((await eventStatus(t.sql, id)).sold - s0) / ((Date.now() - t0) / 1000);
      assert.ok(rate <= 120 * 1.35, `sold ${rate.toFixed(0)}/s: more than one driver's 120/s`);
      assert.ok(rate >= 120 * 0.5, `sold ${rate.toFixed(0)}/s: the driver is not keeping its rate`);
      assert.equal(await driverOf(id), first, "the lease stays with its holder");

      const killedAt = Date.now();
      const soldAtKill = (await eventStatus(t.sql, id)).sold;
      instances.get(first)!.kill("SIGKILL");
      await instances.get(first)!.exited;
      instances.delete(first);
      assert.ok(soldAtKill < 2_400, "the kill came mid-sale");

      await waitFor("a survivor to take over and sell", async () => {
        const d = await driverOf(id);
        return d !== null && d !== first && (await eventStatus(t.sql, id)).sold > soldAtKill + 5;
      }, 15_000);
      const takeoverMs = Date.now() - killedAt;
      const second = (await driverOf(id))!;
      assert.ok(instances.has(second), `the new driver ${second} is a survivor`);
      assert.ok(takeoverMs < 5_000, `took over in ${takeoverMs} ms`);
      ctx.diagnostic(`${second} took over from ${first} ${takeoverMs} ms after the kill (one driver sold ${rate.toFixed(0)} tickets/s)`);

      await waitFor("the sale to finish", async () => (await eventStatus(t.sql, id)).status === "SOLD_OUT", 60_000);
      const final = await assertPoolInvariants(t.sql, id);
      assert.deepEqual(final, { released: 2_400, sold: 2_400, available: 0, status: "SOLD_OUT" });
      const [resumed] = await t.sql.query("SELECT actor, message FROM EventLog WHERE eventId = ? AND kind = 'RESUMED' ORDER BY seq", [id]);
      assert.deepEqual((resumed as { message: string }[]).map((r) => r.message), [`${first} took over the run`, `${second} took over the run`]);
      for (const [, p] of instances) assert.equal(await p.exited, 0);
      const standby = [...instances.entries()].find(([name]) => name !== second)![1];
      assert.equal(standby.totals?.sold ?? 0, 0, "the instance that never held the lease sold nothing");
      // The killed driver sold what it had committed by its death (at least what we saw before the kill, plus at most a batch or two); the survivor sold all the rest.
      const killedSold = 2_400 - instances.get(second)!.totals!.sold;
      assert.ok(killedSold >= soldAtKill && killedSold <= soldAtKill + 100, `the killed driver sold ${killedSold}, ${soldAtKill} seen before the kill`);
    } finally {
      for (const [, p] of instances) p.kill("SIGKILL");
    }
  });
});
