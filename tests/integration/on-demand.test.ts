import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestDatabase, useDatabase, type TestDatabase } from "../helpers/database";
import { assertPoolInvariants, waitFor } from "../helpers/invariants";

// ENGINE_MODE=on-demand (lib/engine/engine.ts `want`): nothing runs between requests; a
// request for a running sale drives it for a moment, and a driver that comes after a gap
// catches up for it — what the rates allowed, capped by the pool — and logs that it did.

let t: TestDatabase;
let engine: typeof import("../../lib/engine/engine").engine;
let createEvent: typeof import("../../lib/events/create").createEvent;
let startEvent: typeof import("../../lib/events/control").startEvent;
let closeDb: () => Promise<void>;

before(async () => {
  t = await createTestDatabase("on_demand");
  useDatabase(t.url);
  process.env.ENGINE_MODE = "on-demand";
  process.env.LOG_LEVEL = "silent";
  process.env.HOLD_SECONDS_SCALE = "0.02"; // simulated holds below: 120 s → 2.4 s
  engine = (await import("../../lib/engine/engine")).engine;
  createEvent = (await import("../../lib/events/create")).createEvent;
  startEvent = (await import("../../lib/events/control")).startEvent;
  closeDb = (await import("../../lib/db/client")).closeDb;
});

after(async () => {
  await engine().shutdown();
  await closeDb();
  await t.drop();
});

const counters = async (id: number) => {
  const [rows] = await t.sql.query("SELECT released, sold, available, driverInstance FROM Event WHERE id = ?", [id]);
  const r = (rows as { released: number; sold: number; available: number; driverInstance: string | null }[])[0];
  return { released: Number(r.released), sold: Number(r.sold), available: Number(r.available), driver: r.driverInstance };
};
const idle = (id: number) => waitFor("the driver to let go", async () => !engine().isDriving(id) && (await counters(id)).driver === null, 10_000);

describe("the engine on demand", () => {
  it("drives a sale only while it is wanted, and lets go of it after", async () => {
    assert.equal(engine().mode, "on-demand");
    const ev = { id: await createEvent({ ...{ name: "On demand", totalTickets: 100_000, maxTicketCapacity: 10_000, ticketReleaseRate: 50, customerRetrievalRate: 10, vendors: 2, customers: 2 }, vipCustomers: 0 }) };
    await startEvent(ev.id);
    assert.equal(engine().isDriving(ev.id), true, "the start's request drives it");
    await idle(ev.id);
    const still = await counters(ev.id);
    await new Promise((r) => setTimeout(r, 1_500));
    assert.deepEqual(await counters(ev.id), still, "nothing moves while nobody asks");
    await t.sql.query("UPDATE Event SET status = 'STOPPED' WHERE id = ?", [ev.id]);
  });

  it("catches up a gap: what the rates allowed for the time nobody drove, in one logged catch-up", async () => {
    const ev = { id: await createEvent({ ...{ name: "Gap", totalTickets: 100_000, maxTicketCapacity: 100_000, ticketReleaseRate: 40, customerRetrievalRate: 15, vendors: 2, customers: 2 }, vipCustomers: 0 }) };
    await startEvent(ev.id);
    await idle(ev.id);
    const before = await counters(ev.id);
    // As if the instances had been frozen for 20 s since the last driver wrote its heartbeat.
    await t.sql.query("UPDATE Event SET advancedAt = NOW(3) - INTERVAL 20 SECOND WHERE id = ?", [ev.id]);
    assert.equal(await engine().want(ev.id), true);
    const after = await counters(ev.id);
    // 2 vendors × 40/s × 20 s = 1,600 released; 2 customers × 15/s × 20 s = 600 sold (give or take the tick of the start).
    assert.ok(after.released - before.released >= 1_600 && after.released - before.released <= 1_600 + 200, `released ${after.released - before.released}`);
    assert.ok(after.sold - before.sold >= 600 && after.sold - before.sold <= 600 + 100, `sold ${after.sold - before.sold}`);
    const [logs] = await t.sql.query("SELECT message, released, sold FROM EventLog WHERE eventId = ? AND kind = 'CATCH_UP'", [ev.id]);
    const rows = logs as { message: string; released: number; sold: number }[];
    assert.equal(rows.length, 1);
    assert.match(rows[0].message, /caught up 20\.\d s that nobody drove: released 1,?600 and sold 600/);
    await assertPoolInvariants(t.sql, ev.id);
    await engine().halt(ev.id);
    await t.sql.query("UPDATE Event SET status = 'STOPPED' WHERE id = ?", [ev.id]);
  });

  it("caps a catch-up by the pool: vendors fill it no further than its capacity, customers buy no more than there was", async () => {
    const ev = { id: await createEvent({ ...{ name: "Capped", totalTickets: 100_000, maxTicketCapacity: 50, ticketReleaseRate: 100, customerRetrievalRate: 1, vendors: 3, customers: 1 }, vipCustomers: 0 }) };
    await startEvent(ev.id);
    await idle(ev.id);
    const before = await counters(ev.id);
    await t.sql.query("UPDATE Event SET advancedAt = NOW(3) - INTERVAL 60 SECOND WHERE id = ?", [ev.id]);
    await engine().want(ev.id);
    const after = await counters(ev.id);
    assert.ok(after.available <= 50);
    assert.ok(after.sold - before.sold >= 60 && after.sold - before.sold <= 62, `sold ${after.sold - before.sold}`);
    assert.ok(after.released - before.released <= 50 - before.available + (after.sold - before.sold) + 10, `released ${after.released - before.released}`);
    await assertPoolInvariants(t.sql, ev.id);
    await engine().halt(ev.id);
  });

  it("applies simulated customers' hold decisions in whichever request's batches drive the sale, with no sweeper", async () => {
    const id = await createEvent({ name: "Holds on demand", totalTickets: 100, maxTicketCapacity: 30, ticketReleaseRate: 1_000, customerRetrievalRate: 20, vendors: 1, customers: 5, vipCustomers: 1, holdSeconds: 120, holdConfirmSeconds: 60, holdAbandonPercent: 50 });
    await startEvent(id);
    await idle(id);
    // Nobody drives now: the holds' decisions wait on their rows until a request drives again.
    const pending = async () => {
      const [rows] = await t.sql.query("SELECT COUNT(*) AS n FROM Purchase WHERE eventId = ? AND status = 'HELD' AND source = 'SIMULATION'", [id]);
      return Number((rows as { n: number }[])[0].n);
    };
    assert.ok((await pending()) > 0, "simulated holds are open while nobody drives");
    await new Promise((r) => setTimeout(r, 2_500)); // every open hold is due by now: its confirmation or its expiry
    const [due] = await t.sql.query("SELECT COUNT(*) AS n FROM Purchase WHERE eventId = ? AND status = 'HELD' AND (confirmAt <= UTC_TIMESTAMP(3) OR holdExpiresAt <= UTC_TIMESTAMP(3))", [id]);
    assert.ok(Number((due as { n: number }[])[0].n) > 0, "and due");
    await waitFor(
      "the sell-out, driven by requests alone",
      async () => {
        await engine().want(id);
        const [rows] = await t.sql.query("SELECT status FROM Event WHERE id = ?", [id]);
        return (rows as { status: string }[])[0].status === "SOLD_OUT";
      },
      90_000,
      300,
    );
    const final = await assertPoolInvariants(t.sql, id);
    assert.deepEqual(final, { released: 100, sold: 100, available: 0, status: "SOLD_OUT" });
    const [by] = await t.sql.query("SELECT status, COUNT(*) AS n FROM Purchase WHERE eventId = ? AND source = 'SIMULATION' GROUP BY status", [id]);
    const counts = Object.fromEntries((by as { status: string; n: number }[]).map((r) => [r.status, Number(r.n)]));
    assert.ok(counts.EXPIRED > 0 && counts.COMPLETED > 0 && !counts.HELD, `confirmed and abandoned holds, none left open: ${JSON.stringify(counts)}`);
  });
});
