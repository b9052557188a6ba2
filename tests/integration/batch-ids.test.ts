import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestDatabase, useDatabase, type TestDatabase } from "../helpers/database";
import { DbProxy } from "../helpers/db-proxy";
import { assertPoolInvariants } from "../helpers/invariants";

// A batch whose COMMIT succeeds but whose answer is lost (the connection dies right after the
// server committed) must not be applied a second time when the market tries again: the batch
// id it stamped in the same transaction tells it that the batch committed. The proxy between
// the app and the database lets the COMMIT through and drops the server's answer.

let t: TestDatabase;
const proxy = new DbProxy(34_000 + Math.floor(Math.random() * 1_000));
let lib: {
  Market: typeof import("../../lib/pool/market").Market;
  createEvent: typeof import("../../lib/events/create").createEvent;
  joinQueue: typeof import("../../lib/purchases/join").joinQueue;
  closeDb: () => Promise<void>;
  closeSql: () => Promise<void>;
};

before(async () => {
  t = await createTestDatabase("batchids");
  await proxy.up();
  useDatabase(t.url.replace(":3306/", `:${proxy.port}/`));
  lib = {
    Market: (await import("../../lib/pool/market")).Market,
    createEvent: (await import("../../lib/events/create")).createEvent,
    joinQueue: (await import("../../lib/purchases/join")).joinQueue,
    closeDb: (await import("../../lib/db/client")).closeDb,
    closeSql: (await import("../../lib/db/sql")).closeSql,
  };
});

after(async () => {
  await lib.closeSql();
  await lib.closeDb();
  await proxy.down();
  await t.drop();
});

async function one<T>(sql: string, values: unknown[]): Promise<T> {
  const [rows] = await t.sql.query(sql, values);
  return (rows as T[])[0];
}

describe("a batch whose COMMIT answer is lost", () => {
  it("is applied once: releases, simulated purchases and real buyers' joins are not repeated", async () => {
    const id = await lib.createEvent({ name: "Lost replies", totalTickets: 100, maxTicketCapacity: 50, ticketReleaseRate: 10, customerRetrievalRate: 1, vendors: 1, customers: 1, vipCustomers: 0 });
    await t.sql.query("UPDATE Event SET status = 'RUNNING' WHERE id = ?", [id]);
    const vendor = await one<{ id: number; name: string }>("SELECT id, name FROM Vendor WHERE eventId = ?", [id]);
    const customer = await one<{ id: number; name: string }>("SELECT id, name FROM Customer WHERE eventId = ?", [id]);
    const errors: unknown[] = [];
    const market = new lib.Market(id, 1, { retryMs: 50, onHalt: () => {}, onError: (err) => errors.push(err) });
    try {
      // A vendor's release: the batch that writes it loses its COMMIT answer.
      let lost = proxy.loseNextCommitAnswer("UPDATE Event SET released");
      const released = await market.release(vendor, 10);
      await lost;
      assert.ok(errors.some((e) => String(e).includes("did not answer COMMIT")), `the market saw the lost answer: ${errors.map(String).join("; ")}`);
      assert.deepEqual(released, { released: 10, result: "done", waited: false });
      assert.equal(Number((await one<{ n: number }>("SELECT COUNT(*) AS n FROM Ticket WHERE eventId = ?", [id])).n), 10, "10 tickets, not 20");
      assert.equal(Number((await one<{ released: number }>("SELECT released FROM Vendor WHERE id = ?", [vendor.id])).released), 10);

      // A simulated customer's purchase.
      errors.length = 0;
      lost = proxy.loseNextCommitAnswer("UPDATE Event SET released");
      const bought = await market.buy({ ...customer, vip: false }, 3);
      await lost;
      assert.ok(errors.length > 0, "the market saw the lost answer");
      assert.equal(bought.result, "done");
      assert.equal(bought.ticketIds.length, 3);
      const purchases = await t.sql.query("SELECT id, status, quantity FROM Purchase WHERE eventId = ? AND customerId = ?", [id, customer.id]);
      assert.deepEqual(
        (purchases[0] as { status: string; quantity: number }[]).map((p) => ({ status: p.status, quantity: Number(p.quantity) })),
        [{ status: "COMPLETED", quantity: 3 }],
        "one purchase row, not two",
      );
      assert.equal(Number((await one<{ n: number }>("SELECT COUNT(*) AS n FROM Ticket WHERE customerId = ?", [customer.id])).n), 3);

      // A real buyer's join, written and served by the market's batch.
      errors.length = 0;
      lost = proxy.loseNextCommitAnswer("UPDATE Event SET released");
      const joined = await lib.joinQueue(id, { input: { buyer: "Ada", quantity: 2, vip: false }, source: "API", requestHash: null });
      await lost;
      assert.ok(errors.length > 0, "the market saw the lost answer");
      assert.equal(joined.settled?.status, "COMPLETED");
      assert.equal(joined.settled?.ticketIds.length, 2);
      const rows = await t.sql.query("SELECT status FROM Purchase WHERE eventId = ? AND buyer = 'Ada'", [id]);
      assert.deepEqual((rows[0] as { status: string }[]).map((r) => r.status), ["COMPLETED"], "the buyer's request was written once");

      const final = await assertPoolInvariants(t.sql, id);
      assert.deepEqual(final, { released: 10, sold: 5, available: 5, status: "RUNNING" });
    } finally {
      market.halt();
    }
  });
});
