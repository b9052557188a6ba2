import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestDatabase, useDatabase, type TestDatabase } from "../helpers/database";
import { assertPoolInvariants, eventStatus, waitFor } from "../helpers/invariants";

// The start/reset race: this process drives a run; another instance resets the event (in the
// database: the run ends, a new one begins) and a start for the new run reaches this process
// before its market has noticed the reset. The start must not wait on the old run's runtime
// (it once awaited a halt that awaited the start itself, and hung with every later control).

let t: TestDatabase;
let lib: {
  createEvent: typeof import("../../lib/events/create").createEvent;
  control: typeof import("../../lib/events/control");
  engine: typeof import("../../lib/engine/engine").engine;
  closeDb: () => Promise<void>;
};

before(async () => {
  t = await createTestDatabase("startreset");
  useDatabase(t.url);
  lib = {
    createEvent: (await import("../../lib/events/create")).createEvent,
    control: await import("../../lib/events/control"),
    engine: (await import("../../lib/engine/engine")).engine,
    closeDb: (await import("../../lib/db/client")).closeDb,
  };
});

after(async () => {
  await lib.engine().shutdown();
  await lib.closeDb();
  await t.drop();
});

/** Fails instead of hanging. */
function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  return Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms))]);
}

/** What resetEvent does, done by another instance: straight in the database, in one transaction. */
async function resetElsewhere(id: number): Promise<void> {
  await t.sql.beginTransaction();
  const [rows] = await t.sql.query("SELECT run FROM Event WHERE id = ? FOR UPDATE", [id]);
  const run = Number((rows as { run: number }[])[0].run) + 1;
  await t.sql.query("UPDATE Purchase SET status = 'CANCELLED' WHERE eventId = ? AND status = 'QUEUED'", [id]);
  await t.sql.query("UPDATE Event SET status = 'IDLE', run = ?, released = 0, sold = 0, available = 0 WHERE id = ?", [run, id]);
  await t.sql.query("UPDATE Vendor SET state = 'PAUSED', released = 0 WHERE eventId = ?", [id]);
  await t.sql.query("UPDATE Customer SET state = 'PAUSED', bought = 0 WHERE eventId = ?", [id]);
  await t.sql.commit();
}

describe("a start that reaches the driver before it notices a reset made elsewhere", () => {
  it("drives the new run at once, and later stops and resets still answer", async () => {
    const id = await lib.createEvent({ name: "Race", totalTickets: 2_000, maxTicketCapacity: 100, ticketReleaseRate: 200, customerRetrievalRate: 50, vendors: 3, customers: 6, vipCustomers: 1 });
    await lib.control.startEvent(id);
    await waitFor("the first run to sell", async () => (await eventStatus(t.sql, id)).sold > 50);

    for (let round = 0; round < 3; round++) {
      await resetElsewhere(id);
      // At once: the driver's market still thinks the old run is on.
      const view = await within(5_000, "start after a reset elsewhere", lib.control.startEvent(id));
      assert.equal(view.status, "RUNNING");
      assert.equal(view.run, round + 2);
      await waitFor(`run ${round + 2} to sell`, async () => {
        const s = await eventStatus(t.sql, id);
        return s.status === "RUNNING" && s.sold > 50;
      }, 15_000);
      assert.ok(lib.engine().isDriving(id), "this process drives the new run");
    }

    await within(5_000, "stop", lib.control.stopEvent(id));
    await within(5_000, "reset", lib.control.resetEvent(id));
    await within(5_000, "start", lib.control.startEvent(id));
    await waitFor("the last run to sell out", async () => (await eventStatus(t.sql, id)).status === "SOLD_OUT", 60_000);
    assert.deepEqual(await assertPoolInvariants(t.sql, id), { released: 2_000, sold: 2_000, available: 0, status: "SOLD_OUT" });
    const [runs] = await t.sql.query("SELECT run, COUNT(*) AS n FROM Ticket WHERE eventId = ? GROUP BY run ORDER BY run", [id]);
    assert.equal((runs as unknown[]).length, 5, "five runs sold tickets");
  });
});
