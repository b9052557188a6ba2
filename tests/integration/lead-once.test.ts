import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestDatabase, useDatabase, type TestDatabase } from "../helpers/database";

// Two attempts to lead one event in one process: the operator's start and this process's
// watcher (which takes over RUNNING events nobody drives). Named locks (the leases then) are
// re-entrant within a session, so both attempts used to "take" the lease, and the watcher's logged a takeover
// that never happened ("inst-b took over the run" beside the real takeover after a kill -9).

let t: TestDatabase;
let lib: {
  createEvent: typeof import("../../lib/events/create").createEvent;
  control: typeof import("../../lib/events/control");
  engine: typeof import("../../lib/engine/engine").engine;
  closeDb: () => Promise<void>;
};

before(async () => {
  t = await createTestDatabase("leadonce");
  useDatabase(t.url);
  lib = {
    createEvent: (await import("../../lib/events/create")).createEvent,
    control: await import("../../lib/events/control"),
    engine: (await import("../../lib/engine/engine")).engine,
    closeDb: (await import("../../lib/db/client")).closeDb,
  };
});

after(async () => {
  await lib.engine().shutdown();
  await lib.closeDb();
  await t.drop();
});

const resumed = async (id: number) => {
  const [rows] = await t.sql.query("SELECT message FROM EventLog WHERE eventId = ? AND kind = 'RESUMED'", [id]);
  return (rows as { message: string }[]).map((r) => r.message);
};

const spec = { name: "Lead once", totalTickets: 100_000, maxTicketCapacity: 100, ticketReleaseRate: 20, customerRetrievalRate: 5, vendors: 1, customers: 1, vipCustomers: 0 };

describe("leading an event from one process", () => {
  it("two concurrent takeovers here are one: one RESUMED row, one lease to give back", async () => {
    const id = await lib.createEvent(spec);
    await t.sql.query("UPDATE Event SET status = 'RUNNING' WHERE id = ?", [id]);
    const both = await Promise.all([lib.engine().lead(id, true), lib.engine().lead(id, true)]);
    assert.deepEqual(both, [true, true]);
    assert.equal((await resumed(id)).length, 1, "one takeover, logged once");
    await lib.engine().halt(id);
    // Given back once, the lease is free: another session can take it.
    const [[row]] = (await t.sql.query("SELECT holder, epoch FROM EventLease WHERE eventId = ?", [id])) as unknown as [{ holder: string | null; epoch: number }[]];
    assert.deepEqual({ holder: row.holder, epoch: Number(row.epoch) }, { holder: null, epoch: 1 }, "taken once, and free after one halt");
  });

  it("a watcher's takeover that comes while the operator's start commits joins the start: no RESUMED row", async () => {
    const id = await lib.createEvent(spec);
    let committed!: () => void;
    const commit = new Promise<void>((r) => (committed = r));
    const start = lib.engine().startAndLead(id, async () => {
      await t.sql.query("UPDATE Event SET status = 'RUNNING' WHERE id = ?", [id]);
      committed();
    });
    await commit; // RUNNING, and not driven yet: what the watcher sees
    const watcher = lib.engine().lead(id, true);
    assert.deepEqual(await Promise.all([start, watcher]), [true, true]);
    assert.deepEqual(await resumed(id), []);
    await lib.engine().halt(id);
  });

  it("startEvent leads at once, and the watcher running beside it never logs a takeover", async () => {
    lib.engine().watchRunning();
    for (let round = 0; round < 5; round++) {
      const id = await lib.createEvent(spec);
      await lib.control.startEvent(id);
      assert.equal(lib.engine().isDriving(id), true);
      await new Promise((r) => setTimeout(r, 1_100)); // a watcher tick at least
      await lib.control.stopEvent(id);
      assert.deepEqual(await resumed(id), []);
    }
  });
});
