import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestDatabase, useDatabase, type TestDatabase } from "../helpers/database";
import { DbProxy } from "../helpers/db-proxy";
import { assertPoolInvariants, eventStatus, waitFor } from "../helpers/invariants";

let t: TestDatabase;
const proxy = new DbProxy(33_000 + Math.floor(Math.random() * 1_000));
let lib: {
  createEvent: typeof import("../../lib/events/create").createEvent;
  startEvent: typeof import("../../lib/events/control").startEvent;
  engine: typeof import("../../lib/engine/engine").engine;
  getEventView: typeof import("../../lib/events/view").getEventView;
  toAppError: typeof import("../../lib/contracts/errors").toAppError;
  closeDb: () => Promise<void>;
};

before(async () => {
  t = await createTestDatabase("outage");
  await proxy.up();
  // The app talks to the database only through the proxy; the test checks through its own connection.
  useDatabase(t.url.replace(":3306/", `:${proxy.port}/`));
  lib = {
    createEvent: (await import("../../lib/events/create")).createEvent,
    startEvent: (await import("../../lib/events/control")).startEvent,
    engine: (await import("../../lib/engine/engine")).engine,
    getEventView: (await import("../../lib/events/view")).getEventView,
    toAppError: (await import("../../lib/contracts/errors")).toAppError,
    closeDb: (await import("../../lib/db/client")).closeDb,
  };
});

after(async () => {
  await lib.engine().shutdown();
  await lib.closeDb();
  await proxy.down();
  await t.drop();
});

describe("a database outage in the middle of a sale", () => {
  it("pauses the sale, answers 503-class errors, and resumes by itself without losing or doubling a ticket", async () => {
    const id = await lib.createEvent({ name: "Outage", totalTickets: 3_000, maxTicketCapacity: 50, ticketReleaseRate: 150, customerRetrievalRate: 40, vendors: 6, customers: 20, vipCustomers: 2 });
    await lib.startEvent(id);
    lib.engine().watchRunning(); // as boot does: take over running events nobody drives
    await waitFor("the sale to get going", async () => (await eventStatus(t.sql, id)).sold > 300);

    await proxy.down();
    const during = await assertPoolInvariants(t.sql, id);
    await new Promise((r) => setTimeout(r, 1_500));
    assert.deepEqual(await assertPoolInvariants(t.sql, id), during, "nothing changes while the app cannot reach the database");
    const err = await lib.getEventView(id).then(() => null, (e: unknown) => e);
    assert.ok(err, "reads fail during the outage");
    assert.equal(lib.toAppError(err).status, 503, `the API would answer 503, not ${lib.toAppError(err).status}: ${String(err)}`);
    assert.equal(during.status, "RUNNING");
    // Losing the database loses the lease (it cannot be renewed): the run stays RUNNING in the
    // database, and the instance leads it again once it can reach the database (and the old lease has expired).
    // The batch the outage cut must have rolled back and let go of the event row: the test's
    // own connection can lock it. (A transaction left open would freeze the sale for good.)
    await t.sql.query("SET SESSION innodb_lock_wait_timeout = 5");
    await t.sql.beginTransaction();
    const [locked] = await t.sql.query("SELECT released, sold, available FROM Event WHERE id = ? FOR UPDATE", [id]);
    await t.sql.rollback();
    const row = (locked as { released: number; sold: number; available: number }[])[0];
    assert.deepEqual({ released: Number(row.released), sold: Number(row.sold), available: Number(row.available) }, { released: during.released, sold: during.sold, available: during.available });

    await proxy.up();
    await waitFor("the instance to take the lease again", async () => lib.engine().isDriving(id), 10_000);
    await waitFor("the engine to resume and sell out", async () => (await eventStatus(t.sql, id)).status === "SOLD_OUT", 60_000);
    const final = await assertPoolInvariants(t.sql, id);
    assert.deepEqual(final, { released: 3_000, sold: 3_000, available: 0, status: "SOLD_OUT" });
  });
});
