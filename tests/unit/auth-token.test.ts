import assert from "node:assert/strict";
import { describe, it } from "node:test";

// With ADMIN_TOKEN: the bearer token or a signed, unexpired session cookie, and nothing else.
// (Revocation at sign-out needs the session table: tests/integration/admin-session.test.ts.)
process.env.ADMIN_TOKEN = "unit-test-admin-token";
const { adminMode, isAdmin, requireAdmin } = await import("../../lib/server/auth");
const { sameSecret, signSession, verifySession } = await import("../../lib/server/session");
const h = (init: Record<string, string>) => new Headers(init);

describe("admin access with ADMIN_TOKEN", () => {
  it("accepts the bearer token from anywhere, and no address or forwarding header", async () => {
    assert.equal(adminMode(), "token");
    assert.equal(await isAdmin(h({ authorization: "Bearer unit-test-admin-token", "x-forwarded-for": "203.0.113.9" }), undefined), true);
    assert.equal(await isAdmin(h({ host: "127.0.0.1" }), undefined), false, "loopback alone is not enough once a token is set");
    assert.equal(await isAdmin(h({ "x-forwarded-for": "127.0.0.1" }), undefined), false);
    assert.equal(await isAdmin(h({ authorization: "Bearer wrong" }), undefined), false);
    assert.equal(await isAdmin(h({ authorization: "Bearer unit-test-admin-token-and-more" }), undefined), false);
    await assert.rejects(requireAdmin(h({}), undefined), /sign in as the operator/);
  });

  it("refuses a cookie that is forged, altered, expired or signed under another token, before any database read", async () => {
    const now = Date.now();
    const claim = { id: "0123456789abcdef0123456789abcdef", expiresAt: now + 60_000 };
    const cookie = signSession("unit-test-admin-token", claim);
    assert.deepEqual(verifySession("unit-test-admin-token", cookie, now), claim);
    assert.ok(!cookie.includes("unit-test-admin-token"));
    assert.equal(verifySession("another-token-entirely", cookie, now), null, "a new token voids every session");
    assert.equal(verifySession("unit-test-admin-token", cookie, now + 60_000), null, "expired");
    const later = signSession("unit-test-admin-token", { ...claim, expiresAt: now + 3_600_000 });
    assert.equal(verifySession("unit-test-admin-token", `${cookie.split(".").slice(0, 2).join(".")}.${later.split(".")[2]}`, now), null, "a signature moved to another expiry");
    assert.equal(verifySession("unit-test-admin-token", cookie.replace(/^0/, "1"), now), null, "another id");
    for (const junk of [undefined, "", "x", "a".repeat(5_000), `${cookie}x`, cookie.toUpperCase()]) assert.equal(verifySession("unit-test-admin-token", junk, now), null);
    assert.equal(await isAdmin(h({}), signSession("wrong-token-12345", claim)), false);
  });

  it("compares secrets of any length without a shortcut on length", () => {
    assert.equal(sameSecret("abc", "abc"), true);
    assert.equal(sameSecret("abc", "abd"), false);
    assert.equal(sameSecret("abc", "abcd"), false);
    assert.equal(sameSecret("", ""), true);
  });
});
