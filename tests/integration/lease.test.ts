import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestDatabase, useDatabase, type TestDatabase } from "../helpers/database";
import { eventStatus } from "../helpers/invariants";

// Leases (lib/db/lease.ts): one holder at a time, freed the moment the holder's session ends,
// and a batch fenced by a lease it no longer holds commits nothing.

let t: TestDatabase;
let lease: typeof import("../../lib/db/lease");
let settle: typeof import("../../lib/pool/settle").settle;
let createEvent: typeof import("../../lib/events/create").createEvent;
let closeDb: () => Promise<void>;

before(async () => {
  t = await createTestDatabase("lease");
  useDatabase(t.url);
  lease = await import("../../lib/db/lease");
  settle = (await import("../../lib/pool/settle")).settle;
  createEvent = (await import("../../lib/events/create")).createEvent;
  closeDb = (await import("../../lib/db/client")).closeDb;
});

after(async () => {
  await closeDb();
  await t.drop();
});

describe("event leases", () => {
  it("has one holder at a time, and frees the lease as soon as the holder's session ends", async () => {
    const lost: unknown[] = [];
    const a = await lease.LeaseConnection.open((e) => lost.push(e));
    const b = await lease.LeaseConnection.open((e) => lost.push(e));
    try {
      assert.equal(await a.tryTake(7), true);
      assert.equal(await b.tryTake(7), false, "a second session cannot take a held lease");
      assert.equal(await b.tryTake(8), true, "leases are per event");
      a.close(); // as a process killed with kill -9: its socket closes
      let taken = false;
      for (let i = 0; i < 20 && !taken; i++) {
        taken = await b.tryTake(7);
        if (!taken) await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(taken, true, "the lease is free within a second of its holder's end");
      assert.deepEqual(lost, [], "closing on purpose is not a loss");
    } finally {
      a.close();
      b.close();
    }
  });

  it("commits nothing from a batch fenced by a lease that another session now holds", async () => {
    const id = await createEvent({ name: "Fenced", totalTickets: 100, maxTicketCapacity: 10, ticketReleaseRate: 10, customerRetrievalRate: 1, vendors: 1, customers: 0, vipCustomers: 0 });
    await t.sql.query("UPDATE Event SET status = 'RUNNING' WHERE id = ?", [id]);
    const [vendors] = await t.sql.query("SELECT id, name FROM Vendor WHERE eventId = ?", [id]);
    const vendor = (vendors as { id: number; name: string }[])[0];
    const release = [{ vendorId: vendor.id, name: vendor.name, want: 5, state: "WORKING" as const }];

    const old = await lease.LeaseConnection.open(() => undefined);
    const next = await lease.LeaseConnection.open(() => undefined);
    try {
      assert.equal(await old.tryTake(id), true);
      const fence = { lock: lease.leaseName(id), holder: old.holder };
      const first = await settle(id, 1, release, [], [], fence);
      assert.equal(first.halted, false, "the holder's batch commits");
      assert.equal((await eventStatus(t.sql, id)).released, 5);

      await old.release(id);
      assert.equal(await next.tryTake(id), true, "another instance takes over");
      const late = await settle(id, 1, release, [], [], fence);
      assert.deepEqual({ halted: late.halted, status: late.halted ? late.status : null }, { halted: true, status: "LEASE_LOST" });
      assert.equal((await eventStatus(t.sql, id)).released, 5, "the old leader's late batch changed nothing");
      const [logs] = await t.sql.query("SELECT COUNT(*) AS n FROM EventLog WHERE eventId = ? AND kind = 'RELEASED'", [id]);
      assert.equal(Number((logs as { n: number }[])[0].n), 1);
    } finally {
      old.close();
      next.close();
    }
  });
});
