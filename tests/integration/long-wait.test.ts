import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestDatabase, useDatabase, type TestDatabase } from "../helpers/database";
import { eventStatus } from "../helpers/invariants";

// A buyer who waited longer than the waitMs column can count (an INT of milliseconds: 24.8
// days) is served like anyone else, with the longest wait the column holds — the batch does
// not roll back and retry for ever.

let t: TestDatabase;
let settle: typeof import("../../lib/pool/settle").settle;
let createEvent: typeof import("../../lib/events/create").createEvent;
let closeDb: () => Promise<void>;

before(async () => {
  t = await createTestDatabase("longwait");
  useDatabase(t.url);
  settle = (await import("../../lib/pool/settle")).settle;
  createEvent = (await import("../../lib/events/create")).createEvent;
  closeDb = (await import("../../lib/db/client")).closeDb;
});

after(async () => {
  await closeDb();
  await t.drop();
});

describe("a buyer who waited a month", () => {
  it("is served, with the longest wait the column holds", async () => {
    const id = await createEvent({ name: "Long wait", totalTickets: 50, maxTicketCapacity: 10, ticketReleaseRate: 10, customerRetrievalRate: 1, vendors: 1, customers: 0, vipCustomers: 0 });
    await t.sql.query("UPDATE Event SET status = 'RUNNING' WHERE id = ?", [id]);
    await t.sql.query(
      "INSERT INTO Purchase (publicId, eventId, run, buyer, vip, quantity, source, status, requestedAt) VALUES ('p_longwait', ?, 1, 'Patient', 0, 2, 'API', 'QUEUED', UTC_TIMESTAMP(3) - INTERVAL 30 DAY)",
      [id],
    );
    const [vendors] = await t.sql.query("SELECT id, name FROM Vendor WHERE eventId = ?", [id]);
    const v = (vendors as { id: number; name: string }[])[0];
    const s = await settle(id, 1, [{ vendorId: v.id, name: v.name, want: 5, state: "WORKING" }], []);
    assert.equal(s.halted, false);
    const [rows] = await t.sql.query("SELECT status, waitMs FROM Purchase WHERE publicId = 'p_longwait'");
    assert.deepEqual((rows as { status: string; waitMs: number }[]).map((r) => ({ status: r.status, waitMs: Number(r.waitMs) })), [{ status: "COMPLETED", waitMs: 2_147_483_647 }]);
    assert.deepEqual(await eventStatus(t.sql, id), { released: 5, sold: 2, status: "RUNNING" });
  });
});
