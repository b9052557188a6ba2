import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestDatabase, useDatabase, type TestDatabase } from "../helpers/database";
import { waitFor } from "../helpers/invariants";
import { startReceiver, type Receiver } from "../helpers/webhook-receiver";

// Webhooks from a sale to a receiver in this test (issue 18): every message signed the
// Standard Webhooks way and verified with the standardwebhooks library, retried on the
// (shrunk) schedule while the receiver fails, each with one webhook-id across its attempts;
// the outbox holds exactly the changes that committed; a 410 disables the endpoint.

let t: TestDatabase;
let lib: {
  createEvent: typeof import("../../lib/events/create").createEvent;
  startEvent: typeof import("../../lib/events/control").startEvent;
  stopEvent: typeof import("../../lib/events/control").stopEvent;
  buy: typeof import("../../lib/events/buy").buy;
  createWebhook: typeof import("../../lib/webhooks/endpoints").createWebhook;
  listWebhooks: typeof import("../../lib/webhooks/endpoints").listWebhooks;
  retryDelivery: typeof import("../../lib/webhooks/endpoints").retryDelivery;
  setWebhookDisabled: typeof import("../../lib/webhooks/endpoints").setWebhookDisabled;
  checkEndpointUrl: typeof import("../../lib/webhooks/address").checkEndpointUrl;
  newWebhookSchema: typeof import("../../lib/contracts/webhook").newWebhookSchema;
  startDeliveryWorker: typeof import("../../lib/webhooks/deliver").startDeliveryWorker;
  stopDeliveryWorker: typeof import("../../lib/webhooks/deliver").stopDeliveryWorker;
  engine: typeof import("../../lib/engine/engine").engine;
  closeDb: () => Promise<void>;
};
const receivers: Receiver[] = [];

before(async () => {
  t = await createTestDatabase("webhooks");
  useDatabase(t.url);
  Object.assign(process.env, { LOG_LEVEL: "silent", ENGINE_MODE: "background", WEBHOOK_ALLOW_PRIVATE: "1", WEBHOOK_RETRY_SCALE: "0.001", WEBHOOK_POLL_MS: "50" });
  lib = {
    ...(await import("../../lib/events/create")),
    ...(await import("../../lib/events/control")),
    ...(await import("../../lib/events/buy")),
    ...(await import("../../lib/webhooks/endpoints")),
    ...(await import("../../lib/webhooks/address")),
    ...(await import("../../lib/contracts/webhook")),
    ...(await import("../../lib/webhooks/deliver")),
    ...(await import("../../lib/engine/engine")),
    closeDb: (await import("../../lib/db/client")).closeDb,
  };
  lib.startDeliveryWorker();
});

after(async () => {
  lib.stopDeliveryWorker();
  await lib.engine().shutdown();
  await Promise.all(receivers.map((r) => r.close()));
  await lib.closeDb();
  await t.drop();
});

const ALL = ["purchase.completed", "purchase.held", "hold.expired", "purchase.cancelled", "event.started", "event.stopped", "event.sold_out"] as const;
const soon = () => Date.now() + 10_000;
const rows = async <T>(sql: string, params: unknown[]) => (await t.sql.query(sql, params))[0] as T[];

async function receiver(opts: Parameters<typeof startReceiver>[0]): Promise<Receiver> {
  const r = await startReceiver(opts);
  receivers.push(r);
  return r;
}

describe("webhooks", () => {
  it("delivers every event of a sale, signed, through a receiver that fails 3 times per message, with one webhook-id per message", async () => {
    const id = await lib.createEvent({ name: "Hooks", totalTickets: 10, maxTicketCapacity: 10, ticketReleaseRate: 200, customerRetrievalRate: 1, vendors: 1, customers: 0, vipCustomers: 0 });
    const all = await receiver({ failFirst: 3 });
    const soldOutOnly = await receiver({});
    const a = await lib.createWebhook(id, lib.newWebhookSchema.parse({ url: all.url, events: [...ALL] }), []);
    const b = await lib.createWebhook(id, lib.newWebhookSchema.parse({ url: soldOutOnly.url, events: ["event.sold_out"] }), []);
    all.secret = a.secret;
    soldOutOnly.secret = b.secret;
    assert.match(a.secret, /^whsec_[A-Za-z0-9+/=]{40,}$/);

    await lib.startEvent(id);
    const bought: string[] = [];
    for (const buyer of ["Ann", "Bob"]) bought.push((await lib.buy(id, { buyer, quantity: 2, vip: false }, { deadline: soon(), source: "API" })).purchase.purchaseId);
    await lib.stopEvent(id);
    await lib.startEvent(id);
    for (const buyer of ["Cy", "Di", "Ed"]) bought.push((await lib.buy(id, { buyer, quantity: 2, vip: false }, { deadline: soon(), source: "API" })).purchase.purchaseId);
    await waitFor("the sale to sell out", async () => (await rows<{ status: string }>("SELECT status FROM Event WHERE id = ?", [id]))[0].status === "SOLD_OUT", 20_000);

    const expected = ["event.started", "purchase.completed", "purchase.completed", "event.stopped", "event.started", "purchase.completed", "purchase.completed", "purchase.completed", "event.sold_out"];
    // The outbox holds exactly what happened: one row per change and subscribed endpoint.
    const outbox = await rows<{ id: number; type: string }>("SELECT id, type FROM WebhookDelivery WHERE endpointId = ? ORDER BY id", [a.id]);
    assert.deepEqual(outbox.map((r) => r.type), expected);
    assert.deepEqual((await rows<{ type: string }>("SELECT type FROM WebhookDelivery WHERE endpointId = ?", [b.id])).map((r) => r.type), ["event.sold_out"]);

    await waitFor("every delivery to be delivered", async () => (await rows<{ n: number }>("SELECT COUNT(*) AS n FROM WebhookDelivery WHERE eventId = ? AND status <> 'DELIVERED'", [id]))[0].n === 0, 30_000);
    for (const r of [...all.received, ...soldOutOnly.received]) assert.equal(r.verified, true, `signature of ${r.webhookId} attempt ${r.attempt}: ${r.error}`);

    const ids = [...new Set(all.received.map((r) => r.webhookId))];
    assert.equal(ids.length, expected.length, "one webhook-id per message");
    for (const wid of ids) {
      const attempts = all.received.filter((r) => r.webhookId === wid);
      assert.deepEqual(attempts.map((r) => r.attempt), [1, 2, 3, 4], `${wid}: three failures, then the 200`);
      assert.equal(new Set(attempts.map((r) => JSON.stringify(r.data))).size, 1, "every attempt carries the same payload");
    }
    // In the event's order: a message is first sent only after the one before it was delivered.
    const firsts = ids.map((wid) => all.received.find((r) => r.webhookId === wid)!);
    assert.deepEqual(firsts.map((r) => r.type), expected);
    const purchases = firsts.filter((r) => r.type === "purchase.completed").map((r) => r.data);
    assert.deepEqual(purchases.map((p) => p.purchaseId), bought);
    for (const p of purchases) assert.equal((p.ticketIds as number[]).length, 2);
    assert.deepEqual(firsts.map((r) => r.data.resumed).filter((v) => v !== undefined), [false, true]);
    assert.equal(soldOutOnly.received.length, 1);
    assert.equal(soldOutOnly.received[0].data.sold, 10);

    const listed = (await lib.listWebhooks(id)).find((e) => e.id === a.id)!;
    assert.equal(listed.deliveries.length, expected.length);
    for (const d of listed.deliveries) {
      assert.equal(d.status, "DELIVERED");
      assert.equal(d.attempts, 4);
      assert.equal(d.lastStatus, 200);
      assert.equal(d.nextAttemptAt, null);
    }
    assert.equal("secret" in listed, false, "a listing never shows the secret");
  });

  it("sends nothing for simulated customers' sales, only for real buyers", async () => {
    const id = await lib.createEvent({ name: "Simulated", totalTickets: 200, maxTicketCapacity: 50, ticketReleaseRate: 500, customerRetrievalRate: 500, vendors: 2, customers: 3, vipCustomers: 1 });
    const r = await receiver({});
    r.secret = (await lib.createWebhook(id, lib.newWebhookSchema.parse({ url: r.url, events: ["purchase.completed", "event.sold_out"] }), [])).secret;
    await lib.startEvent(id);
    await waitFor("the sale to sell out", async () => (await rows<{ status: string }>("SELECT status FROM Event WHERE id = ?", [id]))[0].status === "SOLD_OUT", 20_000);
    assert.deepEqual((await rows<{ type: string }>("SELECT type FROM WebhookDelivery WHERE eventId = ?", [id])).map((x) => x.type), ["event.sold_out"]);
  });

  it("disables an endpoint that answers 410, and writes nothing more for it", async () => {
    const id = await lib.createEvent({ name: "Gone", totalTickets: 1_000, maxTicketCapacity: 10, ticketReleaseRate: 1, customerRetrievalRate: 1, vendors: 1, customers: 0, vipCustomers: 0 });
    const gone = await receiver({ status: () => 410 });
    const e = await lib.createWebhook(id, lib.newWebhookSchema.parse({ url: gone.url, events: ["event.started", "event.stopped"] }), []);
    gone.secret = e.secret;
    await lib.startEvent(id);
    await waitFor("the endpoint to be disabled", async () => (await lib.listWebhooks(id))[0].disabled, 10_000);
    const [endpoint] = await lib.listWebhooks(id);
    assert.match(endpoint.disabledReason ?? "", /410/);
    assert.equal(endpoint.deliveries[0].status, "FAILED");
    assert.equal(endpoint.deliveries[0].lastStatus, 410);
    assert.equal(endpoint.deliveries[0].attempts, 1, "a 410 is not retried");
    await lib.stopEvent(id);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await rows<{ n: number }>("SELECT COUNT(*) AS n FROM WebhookDelivery WHERE endpointId = ?", [e.id]))[0].n, 1, "no delivery is written for a disabled endpoint");
    assert.equal(gone.received.length, 1);
    await assert.rejects(lib.retryDelivery(id, e.id, BigInt(endpoint.deliveries[0].id)), /disabled/);
    // Enabled again, a retry sends it once more (and the 410 disables it again).
    await lib.setWebhookDisabled(id, e.id, false);
    await lib.retryDelivery(id, e.id, BigInt(endpoint.deliveries[0].id));
    await waitFor("the retried delivery", async () => gone.received.length === 2, 10_000);
    assert.equal(gone.received[1].webhookId, gone.received[0].webhookId, "a retry keeps the webhook-id");
  });

  it("refuses bad endpoints: not http(s), too long, unknown types, private addresses without the flag, the app itself", async () => {
    const bad = (body: unknown) => lib.newWebhookSchema.safeParse(body);
    assert.equal(bad({ url: "ftp://example.com/x", events: ["event.started"] }).success, false);
    assert.equal(bad({ url: "javascript:alert(1)", events: ["event.started"] }).success, false);
    assert.equal(bad({ url: `https://example.com/${"a".repeat(10_000)}`, events: ["event.started"] }).success, false);
    const unknown = bad({ url: "https://example.com/x", events: ["event.started", "ticket.eaten"] });
    assert.equal(unknown.success, false);
    assert.match(JSON.stringify(unknown.error?.issues), /Unknown event type \\"ticket.eaten\\"/);
    assert.equal(bad({ url: "https://example.com/x", events: [] }).success, false);
    const target = { allowPrivate: false, appPorts: [3000], appHosts: ["app.example:3000"] };
    for (const url of ["http://127.0.0.1:9/x", "http://10.1.2.3/x", "http://192.168.0.1/x", "http://169.254.169.254/latest", "http://[::1]:9/x", "http://[fe80::1]/x", "http://[::ffff:10.0.0.1]/x", "http://localhost:9/x", "http://0.0.0.0/x"]) {
      await assert.rejects(lib.checkEndpointUrl(url, target), /private|loopback|link-local/, url);
    }
    await assert.rejects(lib.checkEndpointUrl("http://app.example:3000/hook", target), /this app itself/);
    await assert.rejects(lib.checkEndpointUrl("http://127.0.0.1:3000/hook", { ...target, allowPrivate: true }), /this app itself/);
    await lib.checkEndpointUrl("http://127.0.0.1:4000/hook", { ...target, allowPrivate: true });
    await lib.checkEndpointUrl("http://93.184.215.14/hook", target);
  });
});
