import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestDatabase, useDatabase, type TestDatabase } from "../helpers/database";
import { assertPoolInvariants, eventStatus, waitFor } from "../helpers/invariants";

let t: TestDatabase;
let createEvent: typeof import("../../lib/events/create").createEvent;
let control: typeof import("../../lib/events/control");
let purchases: typeof import("../../lib/events/buy");
let cancelPurchase: typeof import("../../lib/purchases/cancel").cancelPurchase;
let getPurchase: typeof import("../../lib/purchases/read").getPurchase;
let getEventView: typeof import("../../lib/events/view").getEventView;
let engine: typeof import("../../lib/engine/engine").engine;
let closeDb: () => Promise<void>;

before(async () => {
  t = await createTestDatabase("buy");
  useDatabase(t.url);
  process.env.DB_POOL_SIZE = "20";
  createEvent = (await import("../../lib/events/create")).createEvent;
  control = await import("../../lib/events/control");
  purchases = await import("../../lib/events/buy");
  cancelPurchase = (await import("../../lib/purchases/cancel")).cancelPurchase;
  getPurchase = (await import("../../lib/purchases/read")).getPurchase;
  getEventView = (await import("../../lib/events/view")).getEventView;
  engine = (await import("../../lib/engine/engine")).engine;
  closeDb = (await import("../../lib/db/client")).closeDb;
});

after(async () => {
  await engine().shutdown();
  await closeDb();
  await t.drop();
});

const base = { name: "Buy", ticketReleaseRate: 10, customerRetrievalRate: 10, vendors: 0, customers: 0, vipCustomers: 0 };
const buy = (eventId: number, buyer: string, quantity: number, o: { vip?: boolean; key?: string; waitMs?: number } = {}) =>
  purchases.buy(eventId, { buyer, quantity, vip: o.vip ?? false }, { idempotencyKey: o.key, deadline: Date.now() + (o.waitMs ?? 30_000), source: "API" });

async function ticketsOf(purchaseId: string): Promise<number[]> {
  const [rows] = await t.sql.query("SELECT t.id FROM Ticket t JOIN Purchase p ON p.id = t.purchaseId WHERE p.publicId = ? ORDER BY t.id", [purchaseId]);
  return (rows as { id: number }[]).map((r) => Number(r.id));
}

describe("real buyers and the simulation share one pool", () => {
  it("1,000 concurrent API purchases while the simulation runs: every ticket has exactly one owner", async () => {
    const id = await createEvent({ ...base, totalTickets: 3_000, maxTicketCapacity: 100, ticketReleaseRate: 300, customerRetrievalRate: 20, vendors: 5, customers: 10, vipCustomers: 3 });
    await control.startEvent(id);
    const answers = await Promise.all(Array.from({ length: 1_000 }, (_, i) => buy(id, `Buyer ${i}`, 1 + (i % 3), { vip: i % 10 === 0 }).then((r) => r.purchase, (e: Error) => e)));
    await waitFor("sell-out", async () => (await eventStatus(t.sql, id)).status === "SOLD_OUT", 60_000);
    const final = await assertPoolInvariants(t.sql, id);
    assert.deepEqual(final, { released: 3_000, sold: 3_000, available: 0, status: "SOLD_OUT" });

    const failures = answers.filter((a) => a instanceof Error);
    assert.deepEqual(failures.map(String).slice(0, 3), [], "no request failed");
    const views = await Promise.all(answers.map((a) => getPurchase((a as { purchaseId: string }).purchaseId)));
    for (const v of views) {
      assert.ok(v.status === "COMPLETED" || v.status === "SOLD_OUT", `purchase ${v.purchaseId} ended ${v.status}`);
      assert.equal(v.ticketIds.length, v.status === "COMPLETED" ? v.quantity : 0);
    }
    const realTickets = views.flatMap((v) => v.ticketIds);
    assert.equal(new Set(realTickets).size, realTickets.length, "no ticket in two purchases");
    const [rows] = await t.sql.query(
      "SELECT (SELECT COUNT(*) FROM Ticket WHERE eventId = ? AND soldAt IS NOT NULL) AS sold, (SELECT COUNT(*) FROM Ticket t JOIN Purchase p ON p.id = t.purchaseId WHERE p.eventId = ?) AS owned",
      [id, id],
    );
    const r = (rows as { sold: number; owned: number }[])[0];
    assert.equal(Number(r.owned), Number(r.sold), "sold equals the sum over all purchases");
    assert.ok(views.filter((v) => v.status === "COMPLETED").length > 100, "real buyers got a real share");
    const view = await getEventView(id);
    assert.ok(view.waitStats.vip.served > 0 && view.waitStats.vip.medianMs !== null && view.waitStats.regular.p95Ms !== null);
  });

  it("serves a queue of 5 regular then 5 VIP buyers VIPs first; the regulars are told sold out", async () => {
    const id = await createEvent({ ...base, totalTickets: 5, maxTicketCapacity: 5, ticketReleaseRate: 100, vendors: 1 });
    const regular = await Promise.all([1, 2, 3, 4, 5].map((i) => buy(id, `Regular ${i}`, 1, { waitMs: 0 })));
    const vip = await Promise.all([1, 2, 3, 4, 5].map((i) => buy(id, `VIP ${i}`, 1, { vip: true, waitMs: 0 })));
    for (const r of [...regular, ...vip]) assert.equal(r.purchase.status, "QUEUED");
    assert.deepEqual((await getPurchase(vip[0].purchase.purchaseId)).position, 1, "a VIP goes before every regular");
    assert.ok((await getPurchase(regular[0].purchase.purchaseId)).position! > 5);
    assert.deepEqual((await getEventView(id)).waiting, { vip: 5, regular: 5 });

    await control.startEvent(id);
    await waitFor("sell-out", async () => (await eventStatus(t.sql, id)).status === "SOLD_OUT");
    for (const r of vip) assert.equal((await getPurchase(r.purchase.purchaseId)).status, "COMPLETED");
    for (const r of regular) assert.equal((await getPurchase(r.purchase.purchaseId)).status, "SOLD_OUT");
    await assertPoolInvariants(t.sql, id);
    await assert.rejects(buy(id, "Late", 1), /Sold out/);
  });
});

describe("idempotent buying", () => {
  it("turns 5 concurrent retries of each key into one purchase with one answer", async () => {
    const id = await createEvent({ ...base, totalTickets: 200, maxTicketCapacity: 20, ticketReleaseRate: 200, vendors: 2 });
    await control.startEvent(id);
    const keys = Array.from({ length: 20 }, (_, i) => `order-${i}-${Date.now()}`);
    const results = await Promise.all(keys.flatMap((key, i) => Array.from({ length: 5 }, () => buy(id, `Key buyer ${i}`, 2, { key, waitMs: 20_000 }))));
    for (let i = 0; i < keys.length; i++) {
      const five = results.slice(i * 5, i * 5 + 5);
      assert.equal(new Set(five.map((r) => r.purchase.purchaseId)).size, 1, "one purchase per key");
      assert.equal(five.filter((r) => !r.replayed).length, 1, "exactly one request created it");
      for (const r of five) assert.equal(r.purchase.status, "COMPLETED", `key ${keys[i]}: every retry sees the purchase served`);
      const owned = await ticketsOf(five[0].purchase.purchaseId);
      assert.equal(owned.length, 2, "the purchase holds exactly its 2 tickets");
      for (const r of five) assert.deepEqual(r.purchase.ticketIds, owned, "every retry answers with the tickets the database gives the purchase");
    }
    const [rows] = await t.sql.query("SELECT COUNT(*) AS n, SUM(quantity) AS q FROM Purchase WHERE eventId = ? AND source = 'API'", [id]);
    assert.deepEqual((rows as { n: number; q: number }[]).map((r) => [Number(r.n), Number(r.q)]), [[20, 40]], "20 purchases of 2 tickets, not one more");
    const [sold] = await t.sql.query("SELECT COUNT(*) AS n FROM Ticket t JOIN Purchase p ON p.id = t.purchaseId WHERE p.eventId = ? AND p.source = 'API'", [id]);
    assert.equal(Number((sold as { n: number }[])[0].n), 40, "the 100 requests bought 40 tickets");
    await assert.rejects(buy(id, "Key buyer 0", 3, { key: keys[0] }), /different request/);
    await control.stopEvent(id);
    await assertPoolInvariants(t.sql, id);
  });
});

describe("the rules of buying", () => {
  it("enforces a per-event limit per buyer across purchases", async () => {
    const id = await createEvent({ ...base, totalTickets: 100, maxTicketCapacity: 10, maxTicketsPerBuyer: 4 });
    await buy(id, "Ann", 3, { waitMs: 0 });
    await assert.rejects(buy(id, "Ann", 2, { waitMs: 0 }), /at most 4 tickets .* already has 3/);
    await buy(id, "Ann", 1, { waitMs: 0 });
    await buy(id, "Bob", 4, { waitMs: 0 });
  });

  it("refuses more tickets than the pool can ever hold at once", async () => {
    const id = await createEvent({ ...base, totalTickets: 100, maxTicketCapacity: 3 });
    await assert.rejects(buy(id, "Cy", 4), /at most 3 tickets at a time/);
  });

  it("lets a waiting buyer leave the queue, and not leave after being served", async () => {
    const id = await createEvent({ ...base, totalTickets: 10, maxTicketCapacity: 5, ticketReleaseRate: 100, vendors: 1 });
    const waiting = await buy(id, "Di", 2, { waitMs: 0 });
    const left = await cancelPurchase(waiting.purchase.purchaseId);
    assert.equal(left.status, "CANCELLED");
    await assert.rejects(cancelPurchase(waiting.purchase.purchaseId), /CANCELLED and can no longer leave/);
    await control.startEvent(id);
    const served = await buy(id, "Ed", 2);
    assert.equal(served.purchase.status, "COMPLETED");
    assert.equal(served.purchase.ticketIds.length, 2);
    assert.ok(served.purchase.waitedMs !== null);
    await assert.rejects(cancelPurchase(served.purchase.purchaseId), /COMPLETED/);
    await control.stopEvent(id);
    await assertPoolInvariants(t.sql, id);
  });
});
