import assert from "node:assert/strict";
import { describe, it } from "node:test";

delete process.env.ADMIN_TOKEN;
const { adminMode, isAdmin, requireAdmin } = await import("../../lib/server/auth");
const h = (init: Record<string, string>) => new Headers(init);

describe("admin access without ADMIN_TOKEN", () => {
  it("allows admin actions from this machine only", () => {
    assert.equal(adminMode(), "loopback");
    assert.equal(isAdmin(h({}), undefined), true);
    assert.equal(isAdmin(h({ "x-forwarded-for": "127.0.0.1" }), undefined), true);
    assert.equal(isAdmin(h({ "x-forwarded-for": "::1" }), undefined), true);
    assert.equal(isAdmin(h({ "x-forwarded-for": "203.0.113.9" }), undefined), false);
    assert.throws(() => requireAdmin(h({ "x-forwarded-for": "203.0.113.9" }), undefined), /only from this machine/);
  });
});
