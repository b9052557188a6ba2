import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestDatabase, useDatabase, type TestDatabase } from "../helpers/database";
import { assertPoolInvariants } from "../helpers/invariants";

// Real buyers in a rush: never starved by fast vendors, and answered within their wait budget.

let t: TestDatabase;
let lib: {
  createEvent: typeof import("../../lib/events/create").createEvent;
  control: typeof import("../../lib/events/control");
  buy: typeof import("../../lib/events/buy").buy;
  engine: typeof import("../../lib/engine/engine").engine;
  closeDb: () => Promise<void>;
};

before(async () => {
  t = await createTestDatabase("rush");
  useDatabase(t.url);
  process.env.DB_POOL_SIZE = "20";
  lib = {
    createEvent: (await import("../../lib/events/create")).createEvent,
    control: await import("../../lib/events/control"),
    buy: (await import("../../lib/events/buy")).buy,
    engine: (await import("../../lib/engine/engine")).engine,
    closeDb: (await import("../../lib/db/client")).closeDb,
  };
});

after(async () => {
  await lib.engine().shutdown();
  await lib.closeDb();
  await t.drop();
});

describe("real buyers in a rush", () => {
  it("serves a buyer who joins while fast vendors are still filling the pool within two batches", async () => {
    // Five vendors at 10,000/s fill a pool of 400,000: each batch could spend its whole limit on releases.
    const id = await lib.createEvent({ name: "Filling", totalTickets: 1_000_000, maxTicketCapacity: 400_000, ticketReleaseRate: 10_000, customerRetrievalRate: 1, vendors: 5, customers: 0, vipCustomers: 0 });
    await lib.control.startEvent(id);
    await new Promise((r) => setTimeout(r, 300));
    const before = lib.engine().totals(id).batches;
    const { purchase } = await lib.buy(id, { buyer: "Early bird", quantity: 3, vip: false }, { deadline: Date.now() + 10_000, source: "API" });
    const batches = lib.engine().totals(id).batches - before;
    assert.equal(purchase.status, "COMPLETED");
    assert.equal(purchase.ticketIds.length, 3);
    assert.ok(batches <= 2, `served within two batches of joining (took ${batches})`);
    const [rows] = await t.sql.query("SELECT available FROM Event WHERE id = ?", [id]);
    assert.ok(Number((rows as { available: number }[])[0].available) < 400_000, "the pool was still filling");
    await lib.control.stopEvent(id);
    await assertPoolInvariants(t.sql, id);
  });

  it("answers Prefer: wait=1 within about a second of arrival, even when many buyers arrive together", async () => {
    // Nothing is released: everyone waits in line, and the answer must come at the deadline, not after it.
    const id = await lib.createEvent({ name: "Waiting", totalTickets: 1_000, maxTicketCapacity: 100, ticketReleaseRate: 1, customerRetrievalRate: 1, vendors: 0, customers: 20, vipCustomers: 0 });
    await lib.control.startEvent(id);
    const arrived = Date.now();
    const answers = await Promise.all(
      Array.from({ length: 500 }, (_, i) =>
        lib.buy(id, { buyer: `Buyer ${i}`, quantity: 1, vip: false }, { deadline: arrived + 1_000, source: "API" }).then((r) => ({ status: r.purchase.status, took: Date.now() - arrived })),
      ),
    );
    const slowest = Math.max(...answers.map((a) => a.took));
    assert.ok(answers.every((a) => a.status === "QUEUED"));
    assert.ok(slowest >= 1_000, "nobody is answered before the budget runs out while still in line");
    assert.ok(slowest < 1_600, `all 500 answered within about a second of arriving (slowest ${slowest} ms)`);
    await lib.control.stopEvent(id);
  });
});
