import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestDatabase, useDatabase, type TestDatabase } from "../helpers/database";

// Operator sessions and idempotency keys against a real database: a session works until it
// expires or is signed out (on every instance, since the row is gone), and an Idempotency-Key
// is case-sensitive and belongs to one event and one kind of caller.
let t: TestDatabase;
let auth: typeof import("../../lib/server/auth");
let createEvent: typeof import("../../lib/events/create").createEvent;
let buy: typeof import("../../lib/events/buy").buy;
let engine: typeof import("../../lib/engine/engine").engine;
let closeDb: () => Promise<void>;

before(async () => {
  t = await createTestDatabase("session");
  useDatabase(t.url);
  process.env.ADMIN_TOKEN = "integration-admin-token";
  auth = await import("../../lib/server/auth");
  createEvent = (await import("../../lib/events/create")).createEvent;
  buy = (await import("../../lib/events/buy")).buy;
  engine = (await import("../../lib/engine/engine")).engine;
  closeDb = (await import("../../lib/db/client")).closeDb;
});

after(async () => {
  await engine().shutdown();
  await closeDb();
  await t.drop();
});

const h = (init: Record<string, string> = {}) => new Headers(init);

describe("operator sessions", () => {
  it("opens a session only for the right token, and its cookie is the admin until sign-out revokes it", async () => {
    assert.equal(await auth.openSession(h(), "not-the-token"), null);
    const session = await auth.openSession(h(), "integration-admin-token");
    assert.ok(session);
    assert.ok(!session.cookie.includes("integration-admin-token"));
    assert.equal(session.maxAgeS, 12 * 3600);
    assert.equal(await auth.isAdmin(h(), session.cookie), true);

    const [rows] = await t.sql.query("SELECT id FROM AdminSession");
    assert.equal((rows as unknown[]).length, 1);

    await auth.closeSession(session.cookie);
    assert.equal(await auth.isAdmin(h(), session.cookie), false, "a copy of the cookie kept after sign-out is refused");
    await assert.rejects(auth.requireAdmin(h(), session.cookie), /sign in as the operator/);
  });

  it("refuses an expired session even while its row remains", async () => {
    const session = await auth.openSession(h(), "integration-admin-token");
    assert.ok(session);
    await t.sql.query("UPDATE AdminSession SET expiresAt = NOW(3) - INTERVAL 1 SECOND");
    assert.equal(await auth.isAdmin(h(), session.cookie), false);
  });

  it("takes a session cookie for a state change only from the app's own pages", async () => {
    const session = await auth.openSession(h(), "integration-admin-token");
    assert.ok(session);
    await assert.rejects(auth.requireAdmin(h({ host: "ops.example", origin: "https://evil.example" }), session.cookie), /another site/);
    await auth.requireAdmin(h({ host: "ops.example", origin: "https://ops.example" }), session.cookie);
    await auth.requireAdmin(h({ host: "ops.example", origin: "https://evil.example", authorization: "Bearer integration-admin-token" }), undefined);
  });

  it("limits sign-in attempts", async () => {
    const from = h({ "x-ticketing-client": "ignored-without-the-entry" });
    let refused: unknown = null;
    for (let i = 0; i < 20 && !refused; i++) await auth.openSession(from, `guess-${i}`).catch((e: unknown) => (refused = e));
    assert.match(String((refused as Error | null)?.message), /Too many sign-in attempts/);
  });
});

describe("idempotency keys", () => {
  const base = { ticketReleaseRate: 10, customerRetrievalRate: 10, vendors: 0, customers: 0, vipCustomers: 0, totalTickets: 100, maxTicketCapacity: 10 };
  const soon = () => Date.now() + 50;

  it("are case-sensitive: abc and ABC are two purchases", async () => {
    const id = await createEvent({ ...base, name: "Keys" });
    const a = await buy(id, { buyer: "Ann", quantity: 1, vip: false }, { idempotencyKey: "abc", deadline: soon(), source: "API" });
    const b = await buy(id, { buyer: "Ann", quantity: 1, vip: false }, { idempotencyKey: "ABC", deadline: soon(), source: "API" });
    assert.notEqual(a.purchase.purchaseId, b.purchase.purchaseId);
    assert.equal(b.replayed, false);
    const again = await buy(id, { buyer: "Ann", quantity: 1, vip: false }, { idempotencyKey: "abc", deadline: soon(), source: "API" });
    assert.equal(again.purchase.purchaseId, a.purchase.purchaseId);
    assert.equal(again.replayed, true);
  });

  it("belong to one event: the same key on another event is another purchase", async () => {
    const one = await createEvent({ ...base, name: "One" });
    const two = await createEvent({ ...base, name: "Two" });
    const a = await buy(one, { buyer: "Bo", quantity: 1, vip: false }, { idempotencyKey: "shared-key", deadline: soon(), source: "API" });
    const b = await buy(two, { buyer: "Bo", quantity: 1, vip: false }, { idempotencyKey: "shared-key", deadline: soon(), source: "API" });
    assert.notEqual(a.purchase.purchaseId, b.purchase.purchaseId);
    assert.equal(b.replayed, false);
  });

  it("belong to their caller: an admin's key replayed anonymously is refused, not answered with the admin's purchase", async () => {
    const id = await createEvent({ ...base, name: "Callers" });
    await buy(id, { buyer: "Cy", quantity: 1, vip: false }, { idempotencyKey: "admin-key", deadline: soon(), source: "API", caller: "admin" });
    await assert.rejects(buy(id, { buyer: "Cy", quantity: 1, vip: false }, { idempotencyKey: "admin-key", deadline: soon(), source: "API", caller: "public" }), /used with a different request/);
  });
});
