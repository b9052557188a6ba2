import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestDatabase, useDatabase, type TestDatabase } from "../helpers/database";
import { eventStatus } from "../helpers/invariants";

// Leases (lib/db/lease.ts): rows with a holder, an expiry and an epoch; one holder at a time,
// free at once when the holder's session on this node ends, free at expiry otherwise, and a
// batch fenced by a lease it no longer holds commits nothing.

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

describe("event leases (rows of EventLease)", () => {
  const epochOf = async (id: number) => {
    const [rows] = await t.sql.query("SELECT holder, epoch FROM EventLease WHERE eventId = ?", [id]);
    const [row] = rows as { holder: string | null; epoch: number }[];
    return { holder: row?.holder ?? null, epoch: Number(row?.epoch ?? 0) };
  };
  const event = (name: string) => createEvent({ name, totalTickets: 100, maxTicketCapacity: 10, ticketReleaseRate: 10, customerRetrievalRate: 1, vendors: 1, customers: 0, vipCustomers: 0 });

  it("has one holder at a time, gives it back at once, and lets it expire when its holder stops renewing", async () => {
    const lost: unknown[] = [];
    const [e7, e8] = [await event("Seven"), await event("Eight")];
    const a = await lease.LeaseConnection.open("inst-a", (e) => lost.push(e));
    const b = await lease.LeaseConnection.open("inst-b", (e) => lost.push(e));
    try {
      assert.equal(await a.tryTake(e7), true);
      const first = await epochOf(e7);
      assert.equal(first.holder, a.holder);
      assert.equal(await b.tryTake(e7), false, "a second instance cannot take a held lease");
      assert.equal(await b.tryTake(e8), true, "leases are per event");
      await new Promise((r) => setTimeout(r, lease.LEASE_MS + 500));
      assert.equal(await b.tryTake(e7), false, "renewed every half second, the lease outlives its first expiry");
      await a.release(e7);
      assert.equal(await b.tryTake(e7), true, "given back, it is free at once");
      assert.ok((await epochOf(e7)).epoch > first.epoch, "every take bumps the epoch");
      const takeAfter = async (c: typeof a, eventId: number) => {
        const since = Date.now();
        while (Date.now() - since < 5_000) if (await c.tryTake(eventId)) return Date.now() - since;
        return Infinity;
      };
      // A holder killed with kill -9: the server ends its session, and an instance on the same node takes the lease at once.
      b.close();
      const fast = await takeAfter(a, e7);
      assert.ok(fast <= 500, `its session gone, the lease is free at once (${fast} ms)`);
      // A holder on another node (or frozen with its session open) that stops renewing: the lease is free when it expires.
      const c = await lease.LeaseConnection.open("inst-c", (e) => lost.push(e));
      assert.equal(await c.tryTake(e8), true, "b's other lease is free too: its session is gone");
      await a.release(e7);
      assert.equal(await c.tryTake(e7), true);
      await t.sql.query("UPDATE EventLease SET holderNode = 'another-node:3306:n2' WHERE eventId = ?", [e7]);
      const stoppedAt = Date.now();
      c.close();
      const slow = await takeAfter(a, e7);
      assert.ok(slow >= lease.LEASE_MS - 700 && slow <= lease.LEASE_MS + 300, `a lease whose holder cannot be seen is free when it expires (${slow} ms, expiry ${lease.LEASE_MS} ms)`);
      assert.ok(Date.now() - stoppedAt < 5_000);
      assert.deepEqual(lost, [], "closing on purpose is not a loss");
    } finally {
      a.close();
      b.close();
    }
  });

  it("commits nothing from a batch fenced by a lease that another instance now holds, and tells the old holder", async () => {
    const id = await event("Fenced");
    await t.sql.query("UPDATE Event SET status = 'RUNNING' WHERE id = ?", [id]);
    const [vendors] = await t.sql.query("SELECT id, name FROM Vendor WHERE eventId = ?", [id]);
    const vendor = (vendors as { id: number; name: string }[])[0];
    const release = [{ vendorId: vendor.id, name: vendor.name, want: 5, state: "WORKING" as const }];

    const leaseLost: number[] = [];
    const old = await lease.LeaseConnection.open("inst-old", () => undefined, (eventId) => leaseLost.push(eventId));
    const next = await lease.LeaseConnection.open("inst-next", () => undefined);
    try {
      assert.equal(await old.tryTake(id), true);
      const fence = old.fence(id)!;
      const first = await settle(id, 1, release, [], [], fence);
      assert.equal(first.halted, false, "the holder's batch commits");
      assert.equal((await eventStatus(t.sql, id)).released, 5);

      // The old holder is frozen past its lease (as if its renewals never arrived): another takes it.
      await t.sql.query("UPDATE EventLease SET expiresAt = UTC_TIMESTAMP(3) - INTERVAL 1 SECOND WHERE eventId = ?", [id]);
      assert.equal(await next.tryTake(id), true, "another instance takes over an expired lease");
      const late = await settle(id, 1, release, [], [], fence);
      assert.deepEqual({ halted: late.halted, status: late.halted ? late.status : null }, { halted: true, status: "LEASE_LOST" });
      assert.equal((await eventStatus(t.sql, id)).released, 5, "the old leader's late batch changed nothing");
      const [logs] = await t.sql.query("SELECT COUNT(*) AS n FROM EventLog WHERE eventId = ? AND kind = 'RELEASED'", [id]);
      assert.equal(Number((logs as { n: number }[])[0].n), 1);
      const ok = await settle(id, 1, release, [], [], next.fence(id)!);
      assert.equal(ok.halted, false, "the new holder's batch commits");
      // The old holder's next renewal finds the row is not its own any more.
      const since = Date.now();
      while (leaseLost.length === 0 && Date.now() - since < 2_000) await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(leaseLost, [id]);
      assert.equal(old.fence(id), undefined);
    } finally {
      old.close();
      next.close();
    }
  });
});
