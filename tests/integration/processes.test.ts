import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestDatabase, useDatabase, type TestDatabase } from "../helpers/database";
import { assertPoolInvariants, eventStatus, waitFor } from "../helpers/invariants";
import { spawnDriver } from "../helpers/spawn";

let t: TestDatabase;
let createEvent: typeof import("../../lib/events/create").createEvent;
let closeDb: () => Promise<void>;

before(async () => {
  t = await createTestDatabase("procs");
  useDatabase(t.url);
  createEvent = (await import("../../lib/events/create")).createEvent;
  closeDb = (await import("../../lib/db/client")).closeDb;
});

after(async () => {
  await closeDb();
  await t.drop();
});

async function runningEvent(o: { ticketReleaseRate: number; customerRetrievalRate: number }): Promise<number> {
  const id = await createEvent({ name: "Multi", totalTickets: 5_000, maxTicketCapacity: 50, vendors: 50, customers: 150, vipCustomers: 30, ...o });
  await t.sql.query("UPDATE Event SET status = 'RUNNING' WHERE id = ?", [id]);
  await t.sql.query("UPDATE Vendor SET state = 'WORKING' WHERE eventId = ?", [id]);
  await t.sql.query("UPDATE Customer SET state = 'WORKING' WHERE eventId = ?", [id]);
  return id;
}

describe("several app processes on one database", () => {
  it("keeps every invariant when two processes drive the same event at once", async () => {
    const id = await runningEvent({ ticketReleaseRate: 100, customerRetrievalRate: 40 });
    const a = spawnDriver(t.url, id, "drive");
    const b = spawnDriver(t.url, id, "drive");
    const [codeA, codeB] = await Promise.all([a.exited, b.exited]);
    assert.deepEqual([codeA, codeB], [0, 0]);
    const final = await assertPoolInvariants(t.sql, id);
    assert.deepEqual(final, { released: 5_000, sold: 5_000, available: 0, status: "SOLD_OUT" });
    // Both processes really worked on the pool, and between them account for every ticket.
    assert.ok(a.totals && b.totals, "both processes reported");
    assert.ok(a.totals.sold > 0 && b.totals.sold > 0, `both sold: ${a.totals.sold} and ${b.totals.sold}`);
    assert.equal(a.totals.sold + b.totals.sold, 5_000);
    assert.equal(a.totals.released + b.totals.released, 5_000);
  });

  it("serves a purchase made through one process from the queue driven by another", async () => {
    const id = await createEvent({ name: "Elsewhere", totalTickets: 200, maxTicketCapacity: 20, ticketReleaseRate: 50, customerRetrievalRate: 1, vendors: 2, customers: 0, vipCustomers: 0 });
    await t.sql.query("UPDATE Event SET status = 'RUNNING' WHERE id = ?", [id]);
    const driver = spawnDriver(t.url, id, "drive");
    const { buy } = await import("../../lib/events/buy");
    const { engine } = await import("../../lib/engine/engine");
    const { purchase } = await buy(id, { buyer: "Remote", quantity: 4, vip: false }, { deadline: Date.now() + 20_000, source: "API" });
    assert.equal(engine().isDriving(id), false, "this process does not drive the event");
    assert.equal(purchase.status, "COMPLETED");
    assert.equal(purchase.ticketIds.length, 4);
    await t.sql.query("UPDATE Event SET status = 'STOPPED' WHERE id = ?", [id]);
    assert.equal(await driver.exited, 0);
    await assertPoolInvariants(t.sql, id);
  });

  it("survives a process killed mid-run: the next one resumes from what the database holds", async () => {
    const id = await runningEvent({ ticketReleaseRate: 10, customerRetrievalRate: 5 });
    const first = spawnDriver(t.url, id, "drive");
    await waitFor("the first process to sell some tickets", async () => (await eventStatus(t.sql, id)).sold >= 1_000, 60_000);
    first.kill("SIGKILL");
    await first.exited;
    const atCrash = await assertPoolInvariants(t.sql, id);
    assert.equal(atCrash.status, "RUNNING");
    assert.ok(atCrash.sold < 5_000, "the crash happened in the middle of the run");

    const second = spawnDriver(t.url, id, "resume");
    assert.equal(await second.exited, 0);
    const final = await assertPoolInvariants(t.sql, id);
    assert.deepEqual(final, { released: 5_000, sold: 5_000, available: 0, status: "SOLD_OUT" });
    const [rows] = await t.sql.query("SELECT COUNT(*) AS n FROM EventLog WHERE eventId = ? AND kind = 'RESUMED'", [id]);
    assert.equal(Number((rows as { n: number }[])[0].n), 1, "the resume is in the log");
  });
});
