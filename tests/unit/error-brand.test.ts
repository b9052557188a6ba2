import assert from "node:assert/strict";
import { describe, it } from "node:test";

// Next bundles the engine (loaded by instrumentation.ts) apart from each route handler, so an
// error the engine throws is made by another copy of lib/contracts/errors than the one the
// route wrapper imports. A second copy is loaded here the same way: the same file under
// another URL is another module, with another AppError class.
process.env.LOG_LEVEL = "silent";
const { route } = await import("../../lib/server/route");
const { AppError, isAppError, toAppError } = await import("../../lib/contracts/errors");
const other = (await import(`../../lib/contracts/errors.ts?copy=${Date.now()}`)) as typeof import("../../lib/contracts/errors");
const sql = await import("../../lib/db/sql");
const otherSql = (await import(`../../lib/db/sql.ts?copy=${Date.now()}`)) as typeof import("../../lib/db/sql");

const post = () => new Request("http://127.0.0.1/api/events/1/purchases", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });

describe("errors across bundles", () => {
  it("loads a second, separate copy of the module (the test's premise)", () => {
    assert.notEqual(other.AppError, AppError);
  });

  it("answers a sold-out from another copy of AppError with its own 409, not a 500", async () => {
    const handler = route(async () => {
      throw new other.AppError("sold_out", "Sold out: every ticket of this event is sold");
    });
    const res = await handler(post(), {});
    assert.equal(res.status, 409);
    assert.deepEqual(await res.json(), { error: { code: "sold_out", message: "Sold out: every ticket of this event is sold" } });
  });

  it("keeps the status, details and Retry-After of every code from another copy", async () => {
    for (const [code, status] of [["validation_failed", 422], ["rate_limited", 429], ["not_found", 404], ["invalid_state", 409]] as const) {
      const res = await route(async () => {
        throw new other.AppError(code, "no", { retryAfter: 3 });
      })(post(), {});
      assert.equal(res.status, status, code);
      assert.equal(res.headers.get("retry-after"), "3", code);
    }
  });

  it("recognises AppError by its brand both ways, and nothing else", () => {
    const theirs = new other.AppError("sold_out", "x");
    assert.equal(isAppError(theirs), true);
    assert.equal(theirs instanceof AppError, true, "instanceof is brand-based too");
    assert.equal(new AppError("forbidden", "x") instanceof other.AppError, true);
    assert.equal(toAppError(theirs), theirs);
    assert.equal(isAppError(Object.assign(new Error("x"), { code: "sold_out", status: 409 })), false, "a look-alike without the brand is not one");
    assert.equal(toAppError(Object.assign(new Error("x"), { code: "sold_out", status: 409 })).status, 500);
  });

  it("recognises a CommitUnknown from another copy of the SQL module", () => {
    const theirs = new otherSql.CommitUnknown({ batch: 1 }, new Error("lost"));
    assert.equal(sql.isCommitUnknown(theirs), true);
    assert.equal(theirs instanceof sql.CommitUnknown, true);
    assert.equal(sql.isCommitUnknown(new Error("lost")), false);
  });
});
