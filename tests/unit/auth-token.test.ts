import assert from "node:assert/strict";
import { describe, it } from "node:test";

process.env.ADMIN_TOKEN = "unit-test-admin-token";
const { adminCookieValue, adminMode, isAdmin, requireAdmin } = await import("../../lib/server/auth");
const h = (init: Record<string, string>) => new Headers(init);

describe("admin access with ADMIN_TOKEN", () => {
  it("accepts the bearer token or the sign-in cookie, from anywhere, and nothing else", () => {
    assert.equal(adminMode(), "token");
    assert.equal(isAdmin(h({ authorization: "Bearer unit-test-admin-token", "x-forwarded-for": "203.0.113.9" }), undefined), true);
    assert.equal(isAdmin(h({}), adminCookieValue("unit-test-admin-token")), true);
    assert.equal(isAdmin(h({}), undefined), false, "loopback alone is not enough once a token is set");
    assert.equal(isAdmin(h({ authorization: "Bearer wrong" }), undefined), false);
    assert.equal(isAdmin(h({}), adminCookieValue("wrong")), false);
    assert.throws(() => requireAdmin(h({}), undefined), /sign in as the operator/);
  });

  it("never puts the token itself in the cookie", () => {
    assert.notEqual(adminCookieValue("unit-test-admin-token"), "unit-test-admin-token");
    assert.match(adminCookieValue("unit-test-admin-token"), /^[0-9a-f]{64}$/);
  });
});
