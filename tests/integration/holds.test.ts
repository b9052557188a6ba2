import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { PurchaseView } from "../../lib/contracts/purchase";
import { createTestDatabase, useDatabase, type TestDatabase } from "../helpers/database";
import { assertPoolInvariants, eventStatus, waitFor } from "../helpers/invariants";

// Checkout holds (issue 18) against a real database: held tickets occupy the pool until they
// are confirmed or returned, returned tickets are served to the queue (VIPs first) before
// vendors release more, and a confirm racing an expiry or a cancel ends the hold exactly once.
// Time is shortened the test-only way: the test moves a hold's holdExpiresAt into the past in
// the database (expiry is decided by the database's clock).

let t: TestDatabase;
let createEvent: typeof import("../../lib/events/create").createEvent;
let control: typeof import("../../lib/events/control");
let purchases: typeof import("../../lib/events/buy");
let auditRun: typeof import("../../lib/history/audit").auditRun;
let engine: typeof import("../../lib/engine/engine").engine;
let closeDb: () => Promise<void>;
type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
let confirmRoute: Handler;
let cancelRoute: Handler;
let readRoute: Handler;

before(async () => {
  t = await createTestDatabase("holds");
  useDatabase(t.url);
  process.env.DB_POOL_SIZE = "20";
  process.env.WEBHOOK_ALLOW_PRIVATE = "1";
  createEvent = (await import("../../lib/events/create")).createEvent;
  control = await import("../../lib/events/control");
  purchases = await import("../../lib/events/buy");
  auditRun = (await import("../../lib/history/audit")).auditRun;
  engine = (await import("../../lib/engine/engine")).engine;
  closeDb = (await import("../../lib/db/client")).closeDb;
  confirmRoute = (await import("../../app/api/purchases/[pid]/confirm/route")).POST as unknown as Handler;
  cancelRoute = (await import("../../app/api/purchases/[pid]/cancel/route")).POST as unknown as Handler;
  readRoute = (await import("../../app/api/purchases/[pid]/route")).GET as unknown as Handler;
});

after(async () => {
  await engine().shutdown();
  await closeDb();
  await t.drop();
});

const base = { name: "Holds", ticketReleaseRate: 1_000, customerRetrievalRate: 10, vendors: 1, customers: 0, vipCustomers: 0, holdSeconds: 600 };

const hold = async (eventId: number, buyer: string, quantity = 1, o: { vip?: boolean; waitMs?: number; mode?: "hold" | "sale"; key?: string } = {}): Promise<PurchaseView> =>
  (await purchases.buy(eventId, { buyer, quantity, vip: o.vip ?? false, mode: o.mode ?? "hold" }, { idempotencyKey: o.key, deadline: Date.now() + (o.waitMs ?? 30_000), source: "API" })).purchase;

async function post(handler: Handler, pid: string, body: unknown, headers: Record<string, string> = { "content-type": "application/json" }): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await handler(new Request(`http://127.0.0.1/api/purchases/${pid}/x`, { method: "POST", headers, body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body) }), { params: Promise.resolve({ pid }) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
const confirm = (p: PurchaseView, token = p.holdToken) => post(confirmRoute, p.purchaseId, { holdToken: token });
const cancel = (p: PurchaseView, token = p.holdToken) => post(cancelRoute, p.purchaseId, { holdToken: token });

async function row(sql: string, params: unknown[]): Promise<Record<string, unknown>> {
  const [rows] = await t.sql.query(sql, params);
  return (rows as Record<string, unknown>[])[0];
}
const statusOf = async (pid: string) => String((await row("SELECT status FROM Purchase WHERE publicId = ?", [pid])).status);
const heldOf = async (eventId: number) => Number((await row("SELECT held FROM Event WHERE id = ?", [eventId])).held);
/** The test-only clock: this hold's time is up now. */
const expireNow = (pid: string) => t.sql.query("UPDATE Purchase SET holdExpiresAt = UTC_TIMESTAMP(3) - INTERVAL 1 SECOND WHERE publicId = ? AND status = 'HELD'", [pid]);

async function auditOk(eventId: number): Promise<void> {
  const report = await auditRun(eventId);
  assert.ok(report.ok, `audit failed: ${JSON.stringify(report.checks.filter((c) => !c.ok))}`);
}

/** Everything a hold's request could change, for one event (the driver's lease bookkeeping aside). */
async function eventRows(eventId: number): Promise<string> {
  const parts = await Promise.all([
    t.sql.query("SELECT status, run, released, sold, available, held FROM Event WHERE id = ?", [eventId]),
    t.sql.query("SELECT * FROM Purchase WHERE eventId = ? ORDER BY id", [eventId]),
    t.sql.query("SELECT * FROM Ticket WHERE eventId = ? ORDER BY id", [eventId]),
    t.sql.query("SELECT * FROM EventLog WHERE eventId = ? ORDER BY id", [eventId]),
    t.sql.query("SELECT COUNT(*) AS n FROM WebhookDelivery WHERE eventId = ?", [eventId]),
  ]);
  return JSON.stringify(parts.map(([rows]) => rows), (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v));
}

describe("checkout holds", () => {
  it("holds tickets in the pool until confirmed: 201 HELD with holdExpiresAt and a token, then 200 COMPLETED, and the same again", async () => {
    const id = await createEvent({ ...base, totalTickets: 10, maxTicketCapacity: 5 });
    await control.startEvent(id);
    const p = await hold(id, "Ada", 2);
    assert.equal(p.status, "HELD");
    assert.equal(p.ticketIds.length, 2);
    assert.ok(p.holdToken && p.holdToken.length >= 20, "the hold carries its token");
    const expires = Date.parse(p.holdExpiresAt ?? "");
    assert.ok(Math.abs(expires - Date.now() - 600_000) < 10_000, `holdExpiresAt ${p.holdExpiresAt} is about holdSeconds from now`);
    assert.equal(await heldOf(id), 2);
    await assertPoolInvariants(t.sql, id);
    const read = await readRoute(new Request(`http://127.0.0.1/api/purchases/${p.purchaseId}`), { params: Promise.resolve({ pid: p.purchaseId }) });
    const seen = (await read.json()) as PurchaseView;
    assert.equal(seen.status, "HELD");
    assert.equal(seen.holdToken, undefined, "a read never shows the token");

    const first = await confirm(p);
    assert.equal(first.status, 200);
    assert.equal(first.body.status, "COMPLETED");
    assert.deepEqual(first.body.ticketIds, p.ticketIds);
    const again = await post(confirmRoute, p.purchaseId, { holdToken: p.holdToken }, { "content-type": "application/json", "idempotency-key": "confirm-ada" });
    assert.equal(again.status, 200);
    assert.deepEqual(again.body, first.body, "a second confirm gives the same answer");
    assert.equal(await heldOf(id), 0);
    const [sold] = (await t.sql.query("SELECT COUNT(*) AS n FROM Ticket WHERE purchaseId = (SELECT id FROM Purchase WHERE publicId = ?) AND soldAt IS NOT NULL", [p.purchaseId]))[0] as { n: number }[];
    assert.equal(Number(sold.n), 2);
    await assertPoolInvariants(t.sql, id);
    await auditOk(id);
    const kinds = (await t.sql.query("SELECT kind FROM EventLog WHERE eventId = ? AND kind IN ('HELD', 'CONFIRMED') ORDER BY seq", [id]))[0] as { kind: string }[];
    assert.deepEqual([...new Set(kinds.map((k) => k.kind))], ["HELD", "CONFIRMED"]);
  });

  it("keeps held tickets in the pool's space, and serves returned tickets to the queue, VIPs first, before vendors release more", async () => {
    const id = await createEvent({ ...base, totalTickets: 20, maxTicketCapacity: 2 });
    await control.startEvent(id);
    const a = await hold(id, "Holder", 2);
    assert.equal(a.status, "HELD");
    await new Promise((r) => setTimeout(r, 300));
    const ev = await row("SELECT released, available, held FROM Event WHERE id = ?", [id]);
    assert.deepEqual([Number(ev.released), Number(ev.available), Number(ev.held)], [2, 0, 2], "a full pool of holds lets no vendor release");
    const regular = purchases.buy(id, { buyer: "Regular", quantity: 1, vip: false, mode: "sale" }, { deadline: Date.now() + 30_000, source: "API" });
    await new Promise((r) => setTimeout(r, 200));
    const vip = purchases.buy(id, { buyer: "VIP", quantity: 1, vip: true, mode: "sale" }, { deadline: Date.now() + 30_000, source: "API" });
    await new Promise((r) => setTimeout(r, 200));
    const released = await cancel(a);
    assert.equal(released.status, 200);
    assert.equal(released.body.status, "CANCELLED");
    const [r, v] = [(await regular).purchase, (await vip).purchase];
    assert.equal(r.status, "COMPLETED");
    assert.equal(v.status, "COMPLETED");
    assert.deepEqual([...v.ticketIds, ...r.ticketIds], a.ticketIds, "the returned tickets went to the queue, the VIP's first");
    await assertPoolInvariants(t.sql, id);
    await auditOk(id);
    // Traceable step by step: held by one buyer, returned, then sold to another.
    const [trail] = await t.sql.query("SELECT kind, actor FROM EventLog WHERE eventId = ? AND ? BETWEEN ticketId AND lastTicketId AND kind IN ('RELEASED', 'HELD', 'RETURNED', 'SOLD', 'CONFIRMED') ORDER BY seq", [id, a.ticketIds[0]]);
    assert.deepEqual(trail, [{ kind: "RELEASED", actor: "Vendor 1" }, { kind: "HELD", actor: "Holder" }, { kind: "RETURNED", actor: "Holder" }, { kind: "SOLD", actor: "VIP" }]);
    await control.stopEvent(id);
  });

  it("expires a hold past its time in the next batch, and a late confirm is 409 hold_expired", async () => {
    const id = await createEvent({ ...base, totalTickets: 10, maxTicketCapacity: 5 });
    await control.startEvent(id);
    const p = await hold(id, "Late", 1);
    const q = await hold(id, "Lazy", 1);
    await control.stopEvent(id); // no batches: only the lazy paths can expire now
    await expireNow(p.purchaseId);
    await expireNow(q.purchaseId);
    const late = await confirm(p);
    assert.equal(late.status, 409);
    assert.equal((late.body.error as { code: string }).code, "hold_expired");
    assert.equal(await statusOf(p.purchaseId), "EXPIRED");
    const read = await readRoute(new Request(`http://127.0.0.1/api/purchases/${q.purchaseId}`), { params: Promise.resolve({ pid: q.purchaseId }) });
    assert.equal(((await read.json()) as PurchaseView).status, "EXPIRED", "a read expires a hold past its time");
    assert.equal(await heldOf(id), 0);
    await assertPoolInvariants(t.sql, id);

    await control.startEvent(id);
    const r = await hold(id, "Batch", 1);
    await expireNow(r.purchaseId);
    await waitFor("the batch to expire the hold", async () => (await statusOf(r.purchaseId)) === "EXPIRED", 10_000);
    await assertPoolInvariants(t.sql, id);
    await auditOk(id);
    const again = await confirm(r);
    assert.equal(again.status, 409);
    await control.stopEvent(id);
  });

  it("a confirm racing the expiry: exactly one wins, every time", async () => {
    const id = await createEvent({ ...base, totalTickets: 400, maxTicketCapacity: 400 });
    await control.startEvent(id);
    const held = await Promise.all(Array.from({ length: 120 }, (_, i) => hold(id, `Racer ${i}`, 1 + (i % 3))));
    for (const h of held) assert.equal(h.status, "HELD");
    // Every hold expires within the next 0–2 s (by the database's clock), while confirms go out over the same 2 s.
    await t.sql.query(`UPDATE Purchase SET holdExpiresAt = UTC_TIMESTAMP(3) + INTERVAL FLOOR(RAND() * 2000000) MICROSECOND WHERE eventId = ? AND status = 'HELD'`, [id]);
    const answers = await Promise.all(held.map(async (h, i) => (await new Promise((r) => setTimeout(r, Math.floor((i * 2000) / held.length))), confirm(h))));
    let won = 0;
    for (const [i, a] of answers.entries()) {
      const status = await statusOf(held[i].purchaseId);
      if (a.status === 200) {
        won++;
        assert.equal(status, "COMPLETED");
      } else {
        assert.equal(a.status, 409);
        assert.equal((a.body.error as { code: string }).code, "hold_expired");
        assert.equal(status, "EXPIRED");
      }
    }
    await waitFor("every hold to end", async () => (await heldOf(id)) === 0, 10_000);
    await assertPoolInvariants(t.sql, id);
    await auditOk(id);
    assert.ok(won > 0 && won < held.length, `both sides won some races (${won} of ${held.length} confirmed)`);
    await control.stopEvent(id);
  });

  it("a cancel racing a confirm: exactly one of them ends the hold", async () => {
    const id = await createEvent({ ...base, totalTickets: 300, maxTicketCapacity: 300 });
    await control.startEvent(id);
    const held = await Promise.all(Array.from({ length: 60 }, (_, i) => hold(id, `Twin ${i}`, 2)));
    const answers = await Promise.all(held.map((h, i) => (i % 2 ? Promise.all([confirm(h), cancel(h)]) : Promise.all([cancel(h), confirm(h)]).then(([c, f]) => [f, c]))));
    for (const [i, [c, x]] of answers.entries()) {
      const status = await statusOf(held[i].purchaseId);
      assert.equal([c.status, x.status].filter((s) => s === 200).length, 1, `one of confirm (${c.status}) and cancel (${x.status}) wins`);
      assert.equal(status, c.status === 200 ? "COMPLETED" : "CANCELLED");
      assert.equal(c.status === 200 ? x.status : c.status, 409);
    }
    await waitFor("every hold to end", async () => (await heldOf(id)) === 0, 10_000);
    await assertPoolInvariants(t.sql, id);
    await auditOk(id);
    await control.stopEvent(id);
  });

  it("1,000 holds with 30 % abandoned: the event sells out exactly, and every ticket ends sold once", async () => {
    const total = 500;
    const id = await createEvent({ ...base, totalTickets: total, maxTicketCapacity: 50, ticketReleaseRate: 2_000 });
    await control.startEvent(id);
    const outcomes = await Promise.all(
      Array.from({ length: 1_000 }, async (_, i) => {
        const abandons = i % 10 < 3;
        const p = await hold(id, `Buyer ${i}`, 1, { vip: i % 25 === 0, waitMs: 120_000 });
        if (p.status !== "HELD") return p.status;
        if (abandons) {
          await expireNow(p.purchaseId);
          return "ABANDONED";
        }
        const c = await confirm(p);
        return c.status === 200 ? "CONFIRMED" : `confirm ${c.status}`;
      }),
    );
    await waitFor("sell-out", async () => (await eventStatus(t.sql, id)).status === "SOLD_OUT", 60_000);
    const final = await assertPoolInvariants(t.sql, id);
    assert.deepEqual(final, { released: total, sold: total, available: 0, status: "SOLD_OUT" });
    const counts = outcomes.reduce<Record<string, number>>((m, o) => ((m[o] = (m[o] ?? 0) + 1), m), {});
    assert.equal(counts.CONFIRMED, total, `exactly ${total} confirmed (${JSON.stringify(counts)})`);
    assert.deepEqual(Object.keys(counts).sort(), ["ABANDONED", "CONFIRMED", "SOLD_OUT"].filter((k) => counts[k]).sort(), `nothing else happened: ${JSON.stringify(counts)}`);
    const owners = await row("SELECT COUNT(*) AS tickets, COUNT(DISTINCT t.id) AS distinctTickets, SUM(p.status = 'COMPLETED') AS completed FROM Ticket t JOIN Purchase p ON p.id = t.purchaseId WHERE t.eventId = ? AND t.soldAt IS NOT NULL", [id]);
    assert.deepEqual([Number(owners.tickets), Number(owners.distinctTickets), Number(owners.completed)], [total, total, total]);
    const returned = await row("SELECT COALESCE(SUM(tickets), 0) AS n FROM EventLog WHERE eventId = ? AND kind = 'RETURNED'", [id]);
    assert.ok(Number(returned.n) >= 100, `abandoned holds returned their tickets (${returned.n})`);
    await auditOk(id);
    const { runAnalytics } = await import("../../lib/history/analytics");
    const chart = await runAnalytics(id);
    assert.ok(chart.points.some((pt) => pt.held > 0), "the analytics show held tickets as their own line");
    assert.equal(chart.points[chart.points.length - 1].held, 0, "and none left at the sell-out");
    for (const pt of chart.points) assert.ok(pt.held >= 0 && pt.held <= pt.pool, `held ${pt.held} is part of the pool ${pt.pool}`);
  });
});

describe("holds in the webhook outbox", () => {
  it("writes purchase.held, purchase.completed, purchase.cancelled and hold.expired in the transactions of the changes, never the token", async () => {
    const { createWebhook } = await import("../../lib/webhooks/endpoints");
    const { newWebhookSchema, WEBHOOK_EVENT_TYPES } = await import("../../lib/contracts/webhook");
    const id = await createEvent({ ...base, totalTickets: 10, maxTicketCapacity: 10 });
    await createWebhook(id, newWebhookSchema.parse({ url: "http://127.0.0.1:9/hooks", events: [...WEBHOOK_EVENT_TYPES] }), []);
    await control.startEvent(id);
    const kept = await hold(id, "Keeper", 1);
    const let_go = await hold(id, "Leaver", 1);
    const late = await hold(id, "Sleeper", 1);
    assert.equal((await confirm(kept)).status, 200);
    assert.equal((await cancel(let_go)).status, 200);
    await expireNow(late.purchaseId);
    await waitFor("the expiry", async () => (await statusOf(late.purchaseId)) === "EXPIRED", 10_000);
    await control.stopEvent(id);
    const [rows] = await t.sql.query("SELECT type, payload FROM WebhookDelivery WHERE eventId = ? AND type LIKE '%.%' AND type NOT LIKE 'event.%' ORDER BY id", [id]);
    const sent = (rows as { type: string; payload: string }[]).map((r) => ({ type: r.type, data: JSON.parse(r.payload).data as { purchaseId: string; status: string } }));
    const of = (pid: string) => sent.filter((m) => m.data.purchaseId === pid).map((m) => `${m.type}:${m.data.status}`);
    assert.deepEqual(of(kept.purchaseId), ["purchase.held:HELD", "purchase.completed:COMPLETED"]);
    assert.deepEqual(of(let_go.purchaseId), ["purchase.held:HELD", "purchase.cancelled:CANCELLED"]);
    assert.deepEqual(of(late.purchaseId), ["purchase.held:HELD", "hold.expired:EXPIRED"]);
    for (const r of rows as { payload: string }[]) assert.doesNotMatch(r.payload, /ht_/, "no webhook carries a hold's token");
  });
});

describe("a reset ends the run's holds", () => {
  it("cancels them and returns their tickets, so the old run stays consistent and the new one starts empty", async () => {
    const id = await createEvent({ ...base, totalTickets: 10, maxTicketCapacity: 5 });
    await control.startEvent(id);
    const p = await hold(id, "Reset", 2);
    assert.equal(p.status, "HELD");
    await control.stopEvent(id);
    await control.resetEvent(id);
    assert.equal(await statusOf(p.purchaseId), "CANCELLED");
    assert.equal(await heldOf(id), 0);
    const old = await row("SELECT COUNT(*) AS n FROM Ticket WHERE eventId = ? AND run = 1 AND soldAt IS NULL AND purchaseId IS NOT NULL", [id]);
    assert.equal(Number(old.n), 0, "no ticket of the old run is left held");
    assert.equal((await auditRun(id, 1)).ok, true);
    assert.equal((await confirm(p)).status, 409);
  });
});

describe("the audit knows holds", () => {
  it("fails on a held ticket sold to someone else, and on a hold confirmed after it expired", async () => {
    const id = await createEvent({ ...base, totalTickets: 10, maxTicketCapacity: 10 });
    await control.startEvent(id);
    const held = await hold(id, "Holder", 1);
    const confirmed = await hold(id, "Confirmer", 1);
    const other = await hold(id, "Other", 1, { mode: "sale" });
    assert.equal((await confirm(confirmed)).status, 200);
    await control.stopEvent(id);
    await auditOk(id);

    // Sold to another buyer while the log says it is held (counters kept consistent, so only the hold replay can tell).
    await t.sql.query("UPDATE Ticket SET soldAt = UTC_TIMESTAMP(3), buyer = 'Other', purchaseId = (SELECT id FROM Purchase WHERE publicId = ?) WHERE id = ?", [other.purchaseId, held.ticketIds[0]]);
    await t.sql.query("UPDATE Purchase SET status = 'CANCELLED' WHERE publicId = ?", [held.purchaseId]);
    await t.sql.query("UPDATE Event SET held = held - 1, sold = sold + 1 WHERE id = ?", [id]);
    let report = await auditRun(id);
    const failed = report.checks.filter((c) => !c.ok).map((c) => c.name);
    assert.ok(failed.includes("every hold ends once, with its own buyer, in time"), `the hold replay fails: ${JSON.stringify(failed)}`);

    // Put that back, then confirm-after-expiry: the confirmed hold's expiry moved before its confirm.
    await t.sql.query("UPDATE Ticket SET soldAt = NULL, buyer = 'Holder', purchaseId = (SELECT id FROM Purchase WHERE publicId = ?) WHERE id = ?", [held.purchaseId, held.ticketIds[0]]);
    await t.sql.query("UPDATE Purchase SET status = 'HELD' WHERE publicId = ?", [held.purchaseId]);
    await t.sql.query("UPDATE Event SET held = held + 1, sold = sold - 1 WHERE id = ?", [id]);
    await auditOk(id);
    await t.sql.query("UPDATE Purchase SET holdExpiresAt = completedAt - INTERVAL 1 SECOND WHERE publicId = ?", [confirmed.purchaseId]);
    report = await auditRun(id);
    const hold7 = report.checks.find((c) => c.name === "every hold ends once, with its own buyer, in time");
    assert.equal(hold7?.ok, false);
    assert.ok(hold7?.examples?.includes(confirmed.purchaseId), `names the late hold: ${JSON.stringify(hold7)}`);
  });
});

describe("bad input to holds changes nothing", () => {
  it("refuses unknown, someone else's, completed, expired and cancelled purchases, and a confirm without JSON", async () => {
    const id = await createEvent({ ...base, totalTickets: 20, maxTicketCapacity: 10 });
    await control.startEvent(id);
    const mine = await hold(id, "Mine", 1);
    const sale = await hold(id, "Sale", 1, { mode: "sale" });
    assert.equal(sale.status, "COMPLETED");
    assert.equal(sale.holdToken, undefined, "an immediate sale has no hold");
    const gone = await hold(id, "Gone", 1);
    assert.equal((await cancel(gone)).status, 200);
    const old = await hold(id, "Old", 1);
    await control.stopEvent(id);
    await expireNow(old.purchaseId);
    assert.equal((await confirm(old)).status, 409); // expires it
    const before = await eventRows(id);

    const cases: [string, Promise<{ status: number; body: Record<string, unknown> }>, number, string][] = [
      ["unknown purchase", post(confirmRoute, "p_AAAAAAAAAAAAAAAA", { holdToken: "ht_x" }), 404, "not_found"],
      ["malformed purchase id", post(cancelRoute, "nope", { holdToken: "ht_x" }), 404, "not_found"],
      ["someone else's hold (wrong token)", confirm(mine, "ht_" + "A".repeat(32)), 403, "forbidden"],
      ["someone else's hold, released", cancel(mine, "ht_" + "B".repeat(32)), 403, "forbidden"],
      ["no token", post(confirmRoute, mine.purchaseId, {}), 422, "validation_failed"],
      ["no JSON", post(confirmRoute, mine.purchaseId, "holdToken=x", { "content-type": "application/x-www-form-urlencoded" }), 415, "unsupported_media_type"],
      ["malformed JSON", post(confirmRoute, mine.purchaseId, "{", { "content-type": "application/json" }), 400, "malformed_json"],
      ["an immediate sale (completed, never held)", post(confirmRoute, sale.purchaseId, { holdToken: "ht_x" }), 409, "invalid_state"],
      ["an expired hold, confirmed", confirm(old), 409, "hold_expired"],
      ["an expired hold, released", cancel(old), 409, "hold_expired"],
      ["a cancelled hold, confirmed", confirm(gone), 409, "invalid_state"],
      ["a cancelled hold, released again", cancel(gone), 409, "invalid_state"],
    ];
    for (const [what, answer, status, code] of cases) {
      const a = await answer;
      assert.equal(a.status, status, `${what}: ${JSON.stringify(a.body)}`);
      const error = a.body.error as { code: string; message: string };
      assert.equal(error.code, code, what);
      assert.ok(error.message.length > 10, `${what} says why`);
    }
    assert.equal(await eventRows(id), before, "none of them changed a row");
    const done = await confirm(mine);
    assert.equal(done.status, 200, "its own buyer still confirms it (a stopped sale keeps its holds)");
    assert.equal(done.body.status, "COMPLETED");
  });

  it("validates holdSeconds (30 … 3,600 s) and mode", async () => {
    const { createEventSchema } = await import("../../lib/contracts/event-input");
    const { purchaseRequestSchema } = await import("../../lib/contracts/purchase-input");
    const ok = { name: "x", totalTickets: 10, maxTicketCapacity: 5, ticketReleaseRate: 1, customerRetrievalRate: 1 };
    assert.equal(createEventSchema.parse(ok).holdSeconds, 600);
    for (const bad of [29, 3_601, 60.5]) {
      const r = createEventSchema.safeParse({ ...ok, holdSeconds: bad });
      assert.equal(r.success, false, `holdSeconds ${bad}`);
      assert.match(r.error!.issues[0].message, /holdSeconds/);
    }
    assert.equal(purchaseRequestSchema.safeParse({ buyer: "x", quantity: 1, mode: "reserve" }).success, false);
  });
});
