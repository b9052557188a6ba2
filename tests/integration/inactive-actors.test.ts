import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestDatabase, useDatabase, type TestDatabase } from "../helpers/database";
import { eventStatus } from "../helpers/invariants";

// A pause or a removal made through another instance reaches a batch through the database:
// checked inside the batch's transaction, under the event's lock, an actor paused or removed
// before the batch commits gets nothing from it, and its state is not overwritten.

let t: TestDatabase;
let settle: typeof import("../../lib/pool/settle").settle;
let createEvent: typeof import("../../lib/events/create").createEvent;
let closeDb: () => Promise<void>;

before(async () => {
  t = await createTestDatabase("inactive");
  useDatabase(t.url);
  settle = (await import("../../lib/pool/settle")).settle;
  createEvent = (await import("../../lib/events/create")).createEvent;
  closeDb = (await import("../../lib/db/client")).closeDb;
});

after(async () => {
  await closeDb();
  await t.drop();
});

async function actor(table: "Vendor" | "Customer", id: number): Promise<{ state: string; count: number }> {
  const [rows] = await t.sql.query(`SELECT state, ${table === "Vendor" ? "released" : "bought"} AS count FROM ${table} WHERE id = ?`, [id]);
  const r = (rows as { state: string; count: number }[])[0];
  return { state: r.state, count: Number(r.count) };
}

describe("actors paused or removed elsewhere", () => {
  it("get nothing from a batch that commits after the change, and keep their state", async () => {
    const id = await createEvent({ name: "Paused elsewhere", totalTickets: 100, maxTicketCapacity: 20, ticketReleaseRate: 10, customerRetrievalRate: 1, vendors: 2, customers: 2, vipCustomers: 0 });
    await t.sql.query("UPDATE Event SET status = 'RUNNING' WHERE id = ?", [id]);
    await t.sql.query("UPDATE Vendor SET state = 'WORKING' WHERE eventId = ?", [id]);
    await t.sql.query("UPDATE Customer SET state = 'WORKING' WHERE eventId = ?", [id]);
    const [vs] = await t.sql.query("SELECT id, name FROM Vendor WHERE eventId = ? ORDER BY id", [id]);
    const [cs] = await t.sql.query("SELECT id, name FROM Customer WHERE eventId = ? ORDER BY id", [id]);
    const [v1, v2] = vs as { id: number; name: string }[];
    const [c1, c2] = cs as { id: number; name: string }[];

    // The requests were made while all four were active; then another instance paused v2 and
    // c2 and removed nobody else (as its control would: paused flag and state, under the lock).
    await t.sql.query("UPDATE Vendor SET paused = 1, state = 'PAUSED' WHERE id = ?", [v2.id]);
    await t.sql.query("UPDATE Customer SET paused = 1, state = 'PAUSED' WHERE id = ?", [c2.id]);
    const buyer = (c: { id: number; name: string }) => ({ customerId: c.id, name: c.name, vip: false, want: 3, quantity: 3, state: "WORKING" as const, purchaseId: null, joinedAt: new Date() });
    const s = await settle(id, 1, [v1, v2].map((v) => ({ vendorId: v.id, name: v.name, want: 5, state: "WORKING" as const })), [buyer(c1), buyer(c2)]);
    assert.equal(s.halted, false);
    if (s.halted) return;
    assert.deepEqual([...s.gone.vendors], [v2.id]);
    assert.deepEqual([...s.gone.customers], [c2.id]);
    assert.deepEqual(await eventStatus(t.sql, id), { released: 5, sold: 3, status: "RUNNING" });
    assert.deepEqual(await actor("Vendor", v1.id), { state: "WORKING", count: 5 });
    assert.deepEqual(await actor("Vendor", v2.id), { state: "PAUSED", count: 0 });
    assert.deepEqual(await actor("Customer", c1.id), { state: "WORKING", count: 3 });
    assert.deepEqual(await actor("Customer", c2.id), { state: "PAUSED", count: 0 });
    const [owners] = await t.sql.query("SELECT vendorId, customerId FROM Ticket WHERE eventId = ?", [id]);
    for (const o of owners as { vendorId: number; customerId: number | null }[]) {
      assert.equal(o.vendorId, v1.id);
      assert.ok(o.customerId === null || o.customerId === c1.id);
    }
  });
});
