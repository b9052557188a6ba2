import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestDatabase, useDatabase, type TestDatabase } from "../helpers/database";
import { assertPoolInvariants, eventStatus, waitFor } from "../helpers/invariants";

// Simulated customers' checkout holds (issue 18, part 3) against a real database: with an
// abandon chance or a time to confirm, simulated customers take their tickets as holds in the
// one queue; each hold is confirmed after holdConfirmSeconds or abandoned (it expires after
// holdSeconds and its tickets go back to the queue first). HOLD_SECONDS_SCALE shortens both
// times (30 s → 0.6 s) so that a run takes seconds.

let t: TestDatabase;
let createEvent: typeof import("../../lib/events/create").createEvent;
let control: typeof import("../../lib/events/control");
let auditRun: typeof import("../../lib/history/audit").auditRun;
let engine: typeof import("../../lib/engine/engine").engine;
let closeDb: () => Promise<void>;

before(async () => {
  t = await createTestDatabase("sim_holds");
  useDatabase(t.url);
  process.env.DB_POOL_SIZE = "20";
  process.env.LOG_LEVEL = "silent";
  process.env.HOLD_SECONDS_SCALE = "0.02";
  createEvent = (await import("../../lib/events/create")).createEvent;
  control = await import("../../lib/events/control");
  auditRun = (await import("../../lib/history/audit")).auditRun;
  engine = (await import("../../lib/engine/engine")).engine;
  closeDb = (await import("../../lib/db/client")).closeDb;
});

after(async () => {
  await engine().shutdown();
  await closeDb();
  await t.drop();
});

// 20 tickets/s per customer at a 50 ms tick: one ticket per request, so one hold per ticket.
const base = { name: "Simulated holds", ticketReleaseRate: 1_000, customerRetrievalRate: 20, vendors: 2, customers: 10, vipCustomers: 2, holdSeconds: 30, holdConfirmSeconds: 10 };

async function rows(sql: string, params: unknown[]): Promise<Record<string, unknown>[]> {
  const [r] = await t.sql.query(sql, params);
  return r as Record<string, unknown>[];
}
const row = async (sql: string, params: unknown[]) => (await rows(sql, params))[0];

/** The simulated purchases of the event by status. */
async function simulated(eventId: number): Promise<Record<string, number>> {
  const found = await rows("SELECT status, COUNT(*) AS n FROM Purchase WHERE eventId = ? AND source = 'SIMULATION' AND hold GROUP BY status", [eventId]);
  return Object.fromEntries(found.map((r) => [String(r.status), Number(r.n)]));
}
async function logKinds(eventId: number): Promise<Record<string, number>> {
  const found = await rows("SELECT kind, SUM(tickets) AS n FROM EventLog WHERE eventId = ? AND kind IN ('HELD', 'CONFIRMED', 'RETURNED', 'SOLD') GROUP BY kind", [eventId]);
  return Object.fromEntries(found.map((r) => [String(r.kind), Number(r.n)]));
}
async function auditOk(eventId: number): Promise<void> {
  const report = await auditRun(eventId);
  assert.ok(report.ok, `audit failed: ${JSON.stringify(report.checks.filter((c) => !c.ok))}`);
}
const soldOut = (id: number, ms = 90_000) => waitFor("sell-out", async () => (await eventStatus(t.sql, id)).status === "SOLD_OUT", ms);

describe("simulated customers who hold", () => {
  it("with 30 % abandoned: sells out exactly, every ticket sold once, about 30 % of the holds expired and their tickets sold again", async () => {
    const total = 300;
    const id = await createEvent({ ...base, totalTickets: total, maxTicketCapacity: 50, holdAbandonPercent: 30 });
    await control.startEvent(id);
    await soldOut(id);
    const final = await assertPoolInvariants(t.sql, id);
    assert.deepEqual(final, { released: total, sold: total, available: 0, status: "SOLD_OUT" });
    assert.equal(Number((await row("SELECT held FROM Event WHERE id = ?", [id])).held), 0, "nothing held at the sell-out");

    const by = await simulated(id);
    const holds = (by.COMPLETED ?? 0) + (by.EXPIRED ?? 0);
    assert.equal(by.HELD ?? 0, 0, `no hold is left open (${JSON.stringify(by)})`);
    assert.ok(holds >= 150, `hundreds of holds, a ticket or two each (${JSON.stringify(by)})`);
    const share = (by.EXPIRED ?? 0) / holds;
    assert.ok(share > 0.18 && share < 0.42, `about 30 % of the holds were abandoned: ${(share * 100).toFixed(1)} % of ${holds}`);

    const owners = await row(
      "SELECT COUNT(*) AS tickets, COUNT(DISTINCT t.id) AS distinctTickets, SUM(p.status = 'COMPLETED' AND p.hold) AS confirmed, SUM(t.customerId IS NOT NULL) AS simulated FROM Ticket t JOIN Purchase p ON p.id = t.purchaseId WHERE t.eventId = ? AND t.soldAt IS NOT NULL",
      [id],
    );
    assert.deepEqual([Number(owners.tickets), Number(owners.distinctTickets), Number(owners.confirmed), Number(owners.simulated)], [total, total, total, total], "every ticket sold once, to a confirmed simulated hold");
    const kinds = await logKinds(id);
    assert.equal(kinds.SOLD ?? 0, 0, "no simulated customer bought at once");
    assert.equal(kinds.CONFIRMED, total, "the CONFIRMED rows sold every ticket");
    assert.equal(kinds.HELD, total + kinds.RETURNED, "every ticket held once, and once more for each time it came back");
    assert.ok(kinds.RETURNED > 0, "abandoned holds returned their tickets");
    const returnedThenSold = await row(
      `SELECT COUNT(*) AS n FROM EventLog r JOIN EventLog c ON c.eventId = r.eventId AND c.kind = 'CONFIRMED' AND c.ticketId <= r.lastTicketId AND c.lastTicketId >= r.ticketId AND c.id > r.id
        WHERE r.eventId = ? AND r.kind = 'RETURNED'`,
      [id],
    );
    assert.ok(Number(returnedThenSold.n) > 0, "returned tickets were held again and confirmed: the second rush");
    const messages = await rows("SELECT message FROM EventLog WHERE eventId = ? AND kind IN ('HELD', 'CONFIRMED') ORDER BY id LIMIT 2", [id]);
    assert.match(String(messages[0].message), /holds .* \(simulated customer, until confirmed or expired\)/);
    const customers = await row("SELECT SUM(bought) AS n FROM Customer WHERE eventId = ?", [id]);
    assert.equal(Number(customers.n), total, "customers' counts are what they bought: returned tickets left them");
    const hooks = await row("SELECT COUNT(*) AS n FROM WebhookDelivery WHERE eventId = ?", [id]);
    assert.equal(Number(hooks.n), 0, "simulated holds send no webhooks (no endpoint asked, none written)");
    await auditOk(id);

    const { runAnalytics } = await import("../../lib/history/analytics");
    const chart = await runAnalytics(id);
    assert.ok(chart.points.some((pt) => pt.held > 0), "the analytics draw held tickets");
    assert.ok(chart.points.some((pt) => pt.returned > 0), "and when abandoned holds returned");
    assert.equal(chart.points[chart.points.length - 1].held, 0);
    assert.equal(chart.topBuyers.reduce((n, b) => n + b.tickets, 0), total, "top buyers count confirmed holds (every buyer here: 10 customers)");
  });

  it("with 0 % abandoned: every hold is confirmed after the time to confirm, none expires", async () => {
    const id = await createEvent({ ...base, totalTickets: 120, maxTicketCapacity: 40, holdAbandonPercent: 0 });
    await control.startEvent(id);
    await soldOut(id);
    await assertPoolInvariants(t.sql, id);
    const by = await simulated(id);
    assert.equal(by.EXPIRED ?? 0, 0, `no hold expired (${JSON.stringify(by)})`);
    assert.ok((by.COMPLETED ?? 0) >= 1);
    const kinds = await logKinds(id);
    assert.deepEqual([kinds.HELD, kinds.CONFIRMED, kinds.RETURNED ?? 0], [120, 120, 0]);
    // Confirmed no sooner than the time to confirm (10 s × 0.02 = 200 ms) after being held.
    const early = await row("SELECT COUNT(*) AS n FROM Purchase WHERE eventId = ? AND source = 'SIMULATION' AND status = 'COMPLETED' AND TIMESTAMPDIFF(MICROSECOND, holdExpiresAt, completedAt) < -400000 - 5000", [id]);
    assert.equal(Number(early.n), 0, "no hold confirmed before its customer's time to confirm");
    await auditOk(id);
  });

  it("with 100 % abandoned: nothing is ever confirmed; the tickets go round and the pool stays whole", async () => {
    const id = await createEvent({ ...base, totalTickets: 60, maxTicketCapacity: 30, holdAbandonPercent: 100, holdConfirmSeconds: 0 });
    await control.startEvent(id);
    await waitFor("holds to expire", async () => ((await simulated(id)).EXPIRED ?? 0) >= 60, 30_000);
    await control.stopEvent(id);
    const by = await simulated(id);
    assert.equal(by.COMPLETED ?? 0, 0, `no hold confirmed (${JSON.stringify(by)})`);
    const final = await assertPoolInvariants(t.sql, id);
    assert.equal(final.sold, 0, "nothing sold");
    assert.notEqual(final.status, "SOLD_OUT");
    await auditOk(id);
  });

  it("with both 0: simulated customers buy at once, as before (no holds at all)", async () => {
    const id = await createEvent({ ...base, totalTickets: 100, maxTicketCapacity: 20, holdConfirmSeconds: 0 });
    await control.startEvent(id);
    await soldOut(id);
    await assertPoolInvariants(t.sql, id);
    const holds = await row("SELECT COUNT(*) AS n FROM Purchase WHERE eventId = ? AND (hold OR status IN ('HELD', 'EXPIRED'))", [id]);
    assert.equal(Number(holds.n), 0);
    const kinds = await logKinds(id);
    assert.deepEqual([kinds.SOLD, kinds.HELD ?? 0], [100, 0]);
  });

  it("validates the abandon chance (0 … 100 %) and the time to confirm (less than holdSeconds)", async () => {
    const { createEventSchema, fieldErrors } = await import("../../lib/contracts/event-input");
    const ok = { name: "x", totalTickets: 10, maxTicketCapacity: 10, ticketReleaseRate: 1, customerRetrievalRate: 1 };
    const parsed = createEventSchema.parse(ok);
    assert.deepEqual([parsed.holdAbandonPercent, parsed.holdConfirmSeconds], [0, 0], "both default to 0");
    const errors = (input: Record<string, unknown>) => {
      const r = createEventSchema.safeParse({ ...ok, ...input });
      return r.success ? {} : fieldErrors(r.error);
    };
    assert.match(errors({ holdAbandonPercent: 101 }).holdAbandonPercent ?? "", /at most 100 %/);
    assert.match(errors({ holdAbandonPercent: -1 }).holdAbandonPercent ?? "", /at least 0 %/);
    assert.match(errors({ holdAbandonPercent: 12.5 }).holdAbandonPercent ?? "", /whole number/);
    assert.match(errors({ holdSeconds: 60, holdConfirmSeconds: 60 }).holdConfirmSeconds ?? "", /must be less than the hold time, holdSeconds \(60 s\)/);
    assert.deepEqual(errors({ holdSeconds: 60, holdConfirmSeconds: 59, holdAbandonPercent: 100 }), {});
    // The database refuses it too (CHECK), whatever writes the row.
    await assert.rejects(t.sql.query("INSERT INTO Event (name, totalTickets, maxTicketCapacity, ticketReleaseRate, customerRetrievalRate, holdSeconds, holdConfirmSeconds) VALUES ('bad', 1, 1, 1, 1, 30, 30)"));
  });
});
