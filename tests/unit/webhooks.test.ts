import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { newWebhookSchema, parseDeliveryId } from "../../lib/contracts/webhook";
import { isPrivateAddress, isSelf } from "../../lib/webhooks/address";
import { MAX_ATTEMPTS, nextRetryDelay, RETRY_DELAYS_MS } from "../../lib/webhooks/schedule";

describe("the webhook retry schedule", () => {
  it("follows pretix: 5 s, 1 min, 5 min, 30 min, 1 h, 3 h, 6 h, 12 h, 24 h, 24 h, about 3 days in all", () => {
    assert.deepEqual(RETRY_DELAYS_MS.map((ms) => ms / 1000), [5, 60, 300, 1_800, 3_600, 10_800, 21_600, 43_200, 86_400, 86_400]);
    const total = RETRY_DELAYS_MS.reduce((a, b) => a + b, 0) / 86_400_000;
    assert.ok(total > 2.5 && total < 3.2, `${total} days`);
    assert.equal(MAX_ATTEMPTS, 11);
  });

  it("spreads each delay by at most ±20 % and gives up after the last attempt", () => {
    assert.equal(nextRetryDelay(1, 1, 0), 4_000);
    assert.equal(nextRetryDelay(1, 1, 0.5), 5_000);
    assert.ok(nextRetryDelay(1, 1, 0.999999)! <= 6_000);
    assert.equal(nextRetryDelay(3, 1, 0.5), 300_000);
    assert.equal(nextRetryDelay(10, 1, 0.5), 86_400_000);
    assert.equal(nextRetryDelay(11), null);
    assert.equal(nextRetryDelay(0), null);
  });

  it("shrinks by WEBHOOK_RETRY_SCALE, never to zero", () => {
    assert.equal(nextRetryDelay(1, 0.001, 0.5), 5);
    assert.equal(nextRetryDelay(1, 0.0001, 0), 1);
  });
});

describe("webhook addresses", () => {
  it("knows loopback, private, link-local, shared and mapped addresses from public ones", () => {
    for (const a of ["127.0.0.1", "127.9.9.9", "10.0.0.1", "172.16.5.4", "172.31.255.255", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1", "::1", "::", "fe80::1", "fd00::1", "::ffff:192.168.0.1", "::ffff:127.0.0.1"]) assert.equal(isPrivateAddress(a), true, a);
    for (const a of ["93.184.215.14", "8.8.8.8", "172.32.0.1", "2606:4700::1111", "::ffff:8.8.8.8"]) assert.equal(isPrivateAddress(a), false, a);
  });

  it("knows the app itself: a local address on the app's port", () => {
    assert.equal(isSelf("127.0.0.1", 3000, [3000]), true);
    assert.equal(isSelf("::1", 3000, [3000]), true);
    assert.equal(isSelf("127.0.0.1", 3001, [3000]), false);
    assert.equal(isSelf("93.184.215.14", 3000, [3000]), false);
  });
});

describe("the body that adds a webhook endpoint", () => {
  const ok = { url: "https://example.com/hooks", events: ["event.sold_out", "event.started"] };
  it("takes http(s) URLs and known types, in one canonical order", () => {
    const r = newWebhookSchema.parse(ok);
    assert.deepEqual(r.events, ["event.started", "event.sold_out"]);
  });
  it("refuses what is not an endpoint, with a message", () => {
    const cases: [unknown, RegExp][] = [
      [{ ...ok, url: "mailto:a@b.c" }, /http/],
      [{ ...ok, url: "https://user:pw@example.com/" }, /user name or password/],
      [{ ...ok, url: `https://example.com/${"x".repeat(2_000)}` }, /at most 2,000/],
      [{ ...ok, events: ["purchase.refunded"] }, /Unknown event type/],
      [{ ...ok, events: "event.started" }, /list/],
      [{ url: ok.url }, /list/],
      [{ ...ok, extra: 1 }, /./],
    ];
    for (const [body, message] of cases) {
      const r = newWebhookSchema.safeParse(body);
      assert.equal(r.success, false, JSON.stringify(body).slice(0, 80));
      assert.match(r.error!.issues[0].message, message);
    }
  });
  it("reads delivery ids from paths, and nothing else", () => {
    assert.equal(parseDeliveryId("42"), 42n);
    for (const bad of ["0", "-1", "abc", "1e3", "99999999999999999999", undefined]) assert.throws(() => parseDeliveryId(bad), /no webhook delivery/);
  });
});
