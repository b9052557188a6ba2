import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestDatabase, useDatabase, type TestDatabase } from "../helpers/database";
import { assertPoolInvariants, eventStatus, waitFor } from "../helpers/invariants";

let t: TestDatabase;
let lib: {
  createEvent: typeof import("../../lib/events/create").createEvent;
  control: typeof import("../../lib/events/control");
  engine: typeof import("../../lib/engine/engine").engine;
  Market: typeof import("../../lib/pool/market").Market;
  db: typeof import("../../lib/db/client").db;
  closeDb: typeof import("../../lib/db/client").closeDb;
};

before(async () => {
  t = await createTestDatabase("pool");
  useDatabase(t.url);
  lib = {
    createEvent: (await import("../../lib/events/create")).createEvent,
    control: await import("../../lib/events/control"),
    engine: (await import("../../lib/engine/engine")).engine,
    Market: (await import("../../lib/pool/market")).Market,
    ...(await import("../../lib/db/client")),
  };
});

after(async () => {
  await lib.engine().shutdown();
  await lib.closeDb();
  await t.drop();
});

const event = (o: Partial<Parameters<typeof lib.createEvent>[0]> = {}) =>
  lib.createEvent({ name: "Race", totalTickets: 100, maxTicketCapacity: 10, ticketReleaseRate: 10, customerRetrievalRate: 10, vendors: 0, customers: 0, vipCustomers: 0, ...o });

async function running(eventId: number) {
  await t.sql.query("UPDATE Event SET status = 'RUNNING' WHERE id = ?", [eventId]);
  const ev = await lib.db().event.findUniqueOrThrow({ where: { id: eventId }, include: { vendors: true, customers: true } });
  const market = new lib.Market(eventId, ev.run, { retryMs: 50, onHalt: () => {}, onError: (e) => console.error(e) });
  return { market, vendors: ev.vendors, customers: ev.customers };
}

async function logCount(eventId: number, kind: string): Promise<number> {
  const [rows] = await t.sql.query("SELECT COUNT(*) AS n FROM EventLog WHERE eventId = ? AND kind = ?", [eventId, kind]);
  return Number((rows as { n: number }[])[0].n);
}

describe("the pool under 200 concurrent simulated actors", () => {
  it("sells exactly 5,000 tickets, each once, never holding more than 50", async () => {
    const id = await event({ totalTickets: 5_000, maxTicketCapacity: 50, ticketReleaseRate: 150, customerRetrievalRate: 60, vendors: 50, customers: 150, vipCustomers: 30 });
    await lib.control.startEvent(id);
    const done = await waitFor("sell-out", async () => ((await eventStatus(t.sql, id)).status === "SOLD_OUT" ? true : undefined), 90_000);
    assert.ok(done);
    const final = await assertPoolInvariants(t.sql, id);
    assert.deepEqual(final, { released: 5_000, sold: 5_000, available: 0, status: "SOLD_OUT" });
    assert.equal(lib.engine().isDriving(id), false, "the run stops by itself at SOLD_OUT");
    assert.equal(await logCount(id, "SOLD_OUT"), 1);
    const [states] = await t.sql.query("SELECT COUNT(*) AS n FROM Customer WHERE eventId = ? AND state <> 'DONE'", [id]);
    assert.equal(Number((states as { n: number }[])[0].n), 0, "every customer is told the sale is over");
  });
});

describe("producer and consumer behaviour", () => {
  it("makes a vendor wait while the pool is full, logging the wait once", async () => {
    const id = await event({ totalTickets: 100, maxTicketCapacity: 5, vendors: 1, customers: 1 });
    const { market, vendors, customers } = await running(id);
    let settled = false;
    const release = market.release(vendors[0], 8).then((o) => ((settled = true), o));
    await new Promise((r) => setTimeout(r, 600)); // many retry ticks while blocked
    assert.equal(settled, false, "the vendor is still waiting for space");
    assert.equal(await logCount(id, "POOL_FULL"), 1, "one log row per wait, not per tick");
    assert.equal((await assertPoolInvariants(t.sql, id)).available, 5);
    const bought = await market.buy({ ...customers[0], vip: false }, 3);
    assert.equal(bought.ticketIds.length, 3);
    const released = await release;
    assert.deepEqual({ released: released.released, result: released.result, waited: released.waited }, { released: 8, result: "done", waited: true });
    assert.equal((await assertPoolInvariants(t.sql, id)).available, 5);
    market.halt();
  });

  it("serves waiting VIPs first, FIFO within each class, and answers the rest 'sold out' at once", async () => {
    const id = await event({ totalTickets: 5, maxTicketCapacity: 5, vendors: 1, customers: 10, vipCustomers: 5 });
    const { market, vendors, customers } = await running(id);
    const vips = customers.filter((c) => c.vip);
    const regulars = customers.filter((c) => !c.vip);
    const order: string[] = [];
    const buy = (c: (typeof customers)[number]) => market.buy(c, 1).then((o) => (order.push(`${c.name}:${o.result}`), o));
    const regularBuys = regulars.map(buy);
    await new Promise((r) => setTimeout(r, 150));
    const vipBuys = vips.map(buy);
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(order.length, 0, "everyone waits on an empty pool");
    const release = await market.release(vendors[0], 5);
    assert.equal(release.released, 5);
    const vipResults = await Promise.all(vipBuys);
    const regularResults = await Promise.all(regularBuys);
    assert.deepEqual(vipResults.map((r) => r.result), ["done", "done", "done", "done", "done"]);
    assert.deepEqual(regularResults.map((r) => r.result), ["sold_out", "sold_out", "sold_out", "sold_out", "sold_out"]);
    assert.deepEqual(order.slice(0, 5), vips.map((v) => `${v.name}:done`), "VIPs served in the order they joined");
    const final = await assertPoolInvariants(t.sql, id);
    assert.equal(final.status, "SOLD_OUT");
    const [owners] = await t.sql.query("SELECT DISTINCT c.vip FROM Ticket t JOIN Customer c ON c.id = t.customerId WHERE t.eventId = ?", [id]);
    assert.deepEqual((owners as { vip: number }[]).map((o) => Number(o.vip)), [1], "only VIPs own tickets");
  });

  it("lets a vendor finish and say so when the supply is exhausted", async () => {
    const id = await event({ totalTickets: 3, maxTicketCapacity: 3, vendors: 1 });
    const { market, vendors } = await running(id);
    const o = await market.release(vendors[0], 5);
    assert.deepEqual({ released: o.released, result: o.result }, { released: 3, result: "exhausted" });
    assert.equal(await logCount(id, "VENDOR_DONE"), 1);
    market.halt();
  });
});

describe("start, stop and reset", () => {
  it("stops every actor within a tick, resumes on start, and keeps the old run on reset", async () => {
    const id = await event({ totalTickets: 100_000, maxTicketCapacity: 100, ticketReleaseRate: 200, customerRetrievalRate: 100, vendors: 4, customers: 6 });
    await lib.control.startEvent(id);
    await waitFor("some sales", async () => (await eventStatus(t.sql, id)).sold > 200);
    const stopped = await lib.control.stopEvent(id);
    assert.equal(stopped.status, "STOPPED");
    const atStop = await assertPoolInvariants(t.sql, id);
    await new Promise((r) => setTimeout(r, 400));
    assert.deepEqual(await assertPoolInvariants(t.sql, id), atStop, "nothing moves while stopped");
    await assert.rejects(lib.control.stopEvent(id), /Only a running event can be stopped/);

    await lib.control.startEvent(id);
    await waitFor("sales after resuming", async () => (await eventStatus(t.sql, id)).sold > atStop.sold + 100);
    const reset = await lib.control.resetEvent(id);
    assert.deepEqual({ status: reset.status, run: reset.run, released: reset.released, sold: reset.sold }, { status: "IDLE", run: 2, released: 0, sold: 0 });
    assert.equal(lib.engine().isDriving(id), false);
    const [history] = await t.sql.query("SELECT COUNT(*) AS n FROM Ticket WHERE eventId = ? AND run = 1 AND soldAt IS NOT NULL", [id]);
    assert.ok(Number((history as { n: number }[])[0].n) > atStop.sold, "run 1's tickets are kept");
    await assertPoolInvariants(t.sql, id);
  });

  it("refuses to start a sold-out event", async () => {
    const id = await event({ totalTickets: 1, maxTicketCapacity: 1 });
    await t.sql.query("UPDATE Event SET status = 'SOLD_OUT', released = 1, sold = 1 WHERE id = ?", [id]);
    await assert.rejects(lib.control.startEvent(id), /sold out; reset it/);
  });
});

describe("the database as the last line of defence", () => {
  it("refuses, by CHECK constraint, a pool above capacity or counters that do not add up", async () => {
    const id = await event({ totalTickets: 10, maxTicketCapacity: 5 });
    await assert.rejects(t.sql.query("UPDATE Event SET released = 6, available = 6 WHERE id = ?", [id]), /CONSTRAINT|check/i);
    await assert.rejects(t.sql.query("UPDATE Event SET released = 3, sold = 1, available = 1 WHERE id = ?", [id]), /CONSTRAINT|check/i);
    await assert.rejects(t.sql.query("UPDATE Event SET released = 11, sold = 11 WHERE id = ?", [id]), /CONSTRAINT|check/i);
    await assert.rejects(t.sql.query("UPDATE Event SET maxTicketCapacity = 11 WHERE id = ?", [id]), /CONSTRAINT|check/i);
  });
});

describe("vendors and customers joining and leaving a running sale", () => {
  it("puts new actors to work at once and removes others mid-batch without breaking an invariant", async () => {
    const { addActor, removeActor } = await import("../../lib/events/roster");
    const id = await event({ totalTickets: 50_000, maxTicketCapacity: 50, ticketReleaseRate: 300, customerRetrievalRate: 60, vendors: 6, customers: 12, vipCustomers: 2 });
    await lib.control.startEvent(id);
    await waitFor("the sale to get going", async () => (await eventStatus(t.sql, id)).sold > 300);

    const vendor = await addActor(id, "vendor", { name: "Late vendor", vip: false, rate: 500 });
    const vip = await addActor(id, "customer", { name: "Late VIP", vip: true, rate: 80 });
    assert.equal(vendor.state, "WORKING");
    await waitFor("the new actors to work", async () => {
      const [rows] = await t.sql.query("SELECT (SELECT released FROM Vendor WHERE id = ?) AS v, (SELECT bought FROM Customer WHERE id = ?) AS c", [vendor.id, vip.id]);
      const r = (rows as { v: number; c: number }[])[0];
      return r.v > 0 && r.c > 0;
    });

    const view = await (await import("../../lib/events/view")).getEventView(id);
    const leaving = [...view.vendors.slice(0, 3).map((v) => ["vendor", v.id] as const), ...view.customers.slice(0, 5).map((c) => ["customer", c.id] as const)];
    await Promise.all(leaving.map(([kind, actorId]) => removeActor(id, kind, actorId)));
    // Counted from the ticket rows, which every batch writes whatever the actor's own counter says.
    const ticketsOfRemoved = async () => {
      const [rows] = await t.sql.query(
        `SELECT 'vendor' AS kind, v.id, (SELECT COUNT(*) FROM Ticket t WHERE t.vendorId = v.id) AS n FROM Vendor v WHERE v.removedAt IS NOT NULL AND v.eventId = ?
         UNION ALL SELECT 'customer', c.id, (SELECT COUNT(*) FROM Ticket t WHERE t.customerId = c.id) FROM Customer c WHERE c.removedAt IS NOT NULL AND c.eventId = ? ORDER BY kind, id`,
        [id, id],
      );
      return (rows as { kind: string; id: number; n: number }[]).map((r) => `${r.kind} ${r.id}: ${Number(r.n)}`);
    };
    const before = await ticketsOfRemoved();
    assert.equal(before.length, 8, "3 vendors and 5 customers removed");
    await assertPoolInvariants(t.sql, id);
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(await ticketsOfRemoved(), before, "a removed actor releases and buys nothing more");
    const running = await eventStatus(t.sql, id);
    assert.equal(running.status, "RUNNING");
    await waitFor("the rest to keep selling", async () => (await eventStatus(t.sql, id)).sold > running.sold + 100);

    await assert.rejects(removeActor(id, "vendor", leaving[0][1]), /already removed/);
    await assert.rejects(removeActor(id, "customer", 999_999), /has no customer/);
    await lib.control.stopEvent(id);
    await assertPoolInvariants(t.sql, id);
  });
});
