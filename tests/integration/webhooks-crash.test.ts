import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestDatabase, useDatabase, type TestDatabase } from "../helpers/database";
import { assertPoolInvariants, waitFor } from "../helpers/invariants";
import { ensureBuilt, startServer, type Server } from "../helpers/standalone";
import { startReceiver, type Receiver } from "../helpers/webhook-receiver";

// Webhooks through the built server (`npm start`'s entry): the admin API refuses bad input
// with a 4xx and changes nothing; then a sale's deliveries are going out to slow receivers
// when the delivering server is killed with `kill -9`, and a second server on the same
// database sends the rest: every outbox row reaches its receiver, signed, and the only
// duplicates are the same message again under its same webhook-id.

const TOKEN = "webhooks-crash-admin-token";
let t: TestDatabase;
const servers: Server[] = [];
const receivers: Receiver[] = [];

before(async () => {
  ensureBuilt();
  t = await createTestDatabase("webhooks_crash");
  useDatabase(t.url);
});

after(async () => {
  for (const s of servers) if (s.proc.exitCode === null) s.proc.kill("SIGKILL");
  await Promise.all(receivers.map((r) => r.close()));
  await t.drop();
});

const admin = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };
const env = { ADMIN_TOKEN: TOKEN, ENGINE_TICK_MS: "50", LOG_LEVEL: "warn", PURCHASE_RATE_BURST: "1000", WEBHOOK_ALLOW_PRIVATE: "1", WEBHOOK_RETRY_SCALE: "0.001", WEBHOOK_POLL_MS: "100" };
const rows = async <T>(sql: string, params: unknown[] = []) => (await t.sql.query(sql, params))[0] as T[];

async function server(): Promise<Server> {
  const s = await startServer({ DATABASE_URL: t.url, ...env });
  servers.push(s);
  return s;
}

describe("webhooks through the server", () => {
  let s: Server;
  let eventId: number;

  it("refuses bad input with a 4xx and a message, and changes nothing", async () => {
    s = await server();
    const created = await fetch(`${s.url}/api/events`, { method: "POST", headers: admin, body: JSON.stringify({ name: "Crash hooks", totalTickets: 30, maxTicketCapacity: 30, ticketReleaseRate: 300, customerRetrievalRate: 1, vendors: 1, customers: 0 }) });
    assert.equal(created.status, 201);
    eventId = ((await created.json()) as { id: number }).id;
    const hooks = `${s.url}/api/events/${eventId}/webhooks`;
    const good = { url: "http://127.0.0.1:9/hooks", events: ["event.started"] };
    const cases: [string, RequestInit, number, RegExp][] = [
      ["no credentials", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(good) }, 401, /unauthorized/],
      ["not JSON", { method: "POST", headers: admin, body: "{url:" }, 400, /malformed_json/],
      ["no content type", { method: "POST", headers: { authorization: admin.authorization }, body: JSON.stringify(good) }, 415, /unsupported_media_type/],
      ["an array", { method: "POST", headers: admin, body: "[]" }, 422, /JSON object/],
      ["an unknown event type", { method: "POST", headers: admin, body: JSON.stringify({ ...good, events: ["ticket.eaten"] }) }, 422, /Unknown event type/],
      ["no event types", { method: "POST", headers: admin, body: JSON.stringify({ ...good, events: [] }) }, 422, /at least one/],
      ["an ftp URL", { method: "POST", headers: admin, body: JSON.stringify({ ...good, url: "ftp://example.com/x" }) }, 422, /http/],
      ["a 10 KB URL", { method: "POST", headers: admin, body: JSON.stringify({ ...good, url: `https://example.com/${"a".repeat(10_240)}` }) }, 422, /at most 2,000 characters/],
      ["the app itself", { method: "POST", headers: admin, body: JSON.stringify({ ...good, url: `${s.url}/api/health` }) }, 422, /this app itself/],
      ["an unknown field", { method: "POST", headers: admin, body: JSON.stringify({ ...good, secret: "mine" }) }, 422, /validation_failed/],
      ["an unknown event", { method: "POST", headers: admin, body: JSON.stringify(good) }, 404, /not_found/],
      ["an unknown endpoint", { method: "DELETE", headers: admin }, 404, /not_found/],
      ["a bad disable", { method: "PATCH", headers: admin, body: JSON.stringify({ disabled: "yes" }) }, 422, /disabled must be true or false/],
      ["a bad delivery id", { method: "POST", headers: admin }, 404, /not_found/],
    ];
    for (const [what, init, status, body] of cases) {
      const path = what === "an unknown event" ? `${s.url}/api/events/999999/webhooks` : what === "an unknown endpoint" || what === "a bad disable" ? `${hooks}/4242` : what === "a bad delivery id" ? `${hooks}/1/deliveries/abc/retry` : hooks;
      const r = await fetch(path, init);
      const text = await r.text();
      assert.equal(r.status, status, `${what}: ${text}`);
      assert.match(text, body, what);
      assert.match(text, /"message":"[^"]{10,}/, `${what} says why`);
    }
    assert.equal((await rows<{ n: number }>("SELECT COUNT(*) AS n FROM WebhookEndpoint"))[0].n, 0, "nothing was created");
    const list = await fetch(hooks);
    assert.equal(list.status, 401, "the list is admin-only too");
    assert.deepEqual(await (await fetch(hooks, { headers: admin })).json(), { endpoints: [] });
  });

  it("loses nothing when the delivering server is killed with kill -9: duplicates only by webhook-id", async () => {
    const slow = [await startReceiver({ delayMs: 700 }), await startReceiver({ delayMs: 700 })];
    receivers.push(...slow);
    const hooks = `${s.url}/api/events/${eventId}/webhooks`;
    const endpoints: number[] = [];
    for (const r of slow) {
      const res = await fetch(hooks, { method: "POST", headers: admin, body: JSON.stringify({ url: r.url, events: ["event.started", "purchase.completed", "event.sold_out"], description: "slow" }) });
      assert.equal(res.status, 201);
      const e = (await res.json()) as { id: number; secret: string };
      r.secret = e.secret;
      endpoints.push(e.id);
    }
    assert.equal((await fetch(`${s.url}/api/events/${eventId}/start`, { method: "POST", headers: admin })).status, 200);
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => fetch(`${s.url}/api/events/${eventId}/purchases`, { method: "POST", headers: { "content-type": "application/json", prefer: "wait=20" }, body: JSON.stringify({ buyer: `Buyer ${i}`, quantity: 3 }) }).then((r) => r.status)),
    );
    assert.deepEqual(answers, Array(10).fill(201));
    // 12 messages per endpoint: the start, 10 purchases, the sell-out.
    await waitFor("a few deliveries, and one in flight", async () => slow[0].received.length >= 3 && slow[0].inFlight > 0, 30_000, 20);
    s.proc.kill("SIGKILL");
    await s.exited;
    const inFlightAtKill = slow.reduce((n, r) => n + r.inFlight, 0);
    assert.ok(inFlightAtKill >= 1);

    await server();
    await waitFor("every delivery to be delivered by the second server", async () => (await rows<{ n: number }>("SELECT COUNT(*) AS n FROM WebhookDelivery WHERE status <> 'DELIVERED'"))[0].n === 0, 90_000, 250);

    let duplicates = 0;
    for (const [k, r] of slow.entries()) {
      const outbox = await rows<{ id: number; type: string; payload: string }>("SELECT id, type, payload FROM WebhookDelivery WHERE endpointId = ? ORDER BY id", [endpoints[k]]);
      assert.equal(outbox.length, 12);
      assert.deepEqual(outbox.map((o) => o.type), ["event.started", ...Array(10).fill("purchase.completed"), "event.sold_out"]);
      for (const got of r.received) assert.equal(got.verified, true, `signature: ${got.error}`);
      const firstSeen = [...new Set(r.received.map((x) => x.webhookId))];
      assert.deepEqual(firstSeen, outbox.map((o) => `msg_${eventId}_${o.id}`), "every outbox row arrived, in outbox order, and nothing else");
      for (const o of outbox) {
        const copies = r.received.filter((x) => x.webhookId === `msg_${eventId}_${o.id}`);
        for (const c of copies) assert.deepEqual(c.data, (JSON.parse(o.payload) as { data: unknown }).data, "a duplicate is the same message");
        duplicates += copies.length - 1;
      }
      const buyers = r.received.filter((x) => x.type === "purchase.completed").map((x) => x.data.buyer);
      assert.equal(new Set(buyers).size, 10, "each buyer's purchase arrived");
    }
    assert.ok(duplicates >= 1, "the message in flight at the kill was sent again under its webhook-id");
    await assertPoolInvariants(t.sql, eventId);
  });
});
