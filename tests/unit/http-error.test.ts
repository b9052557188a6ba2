import assert from "node:assert/strict";
import { describe, it } from "node:test";

process.env.LOG_LEVEL = "silent";
const { errorAnswer } = await import("../../lib/platform/http-error");
const { AppError } = await import("../../lib/contracts/errors");

// How a failure answers over HTTP: the error shape, a Retry-After on every 503, a
// WWW-Authenticate on every 401, and nothing of the failure's insides.

const request = { method: "POST", path: "/api/events/1/purchases", requestId: "r-1" };

describe("error answers", () => {
  it("tells a caller when to come back from a database outage (503 with Retry-After)", () => {
    const a = errorAnswer(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:3306"), { code: "ECONNREFUSED" }), request);
    assert.equal(a.status, 503);
    assert.equal(a.headers["retry-after"], "5");
    assert.deepEqual(JSON.parse(a.body), { error: { code: "db_unavailable", message: "The database is not answering; try again in a moment" } });
  });

  it("keeps an error's own Retry-After (429, 503 overloaded)", () => {
    assert.equal(errorAnswer(new AppError("rate_limited", "slow down", { retryAfter: 7 }), request).headers["retry-after"], "7");
    const busy = errorAnswer(new AppError("overloaded", "busy", { retryAfter: 3 }), request);
    assert.deepEqual([busy.status, busy.headers["retry-after"]], [503, "3"]);
  });

  it("says how to authenticate on a 401, and only there", () => {
    assert.equal(errorAnswer(new AppError("unauthorized", "sign in"), request).headers["www-authenticate"], 'Bearer realm="ticketing"');
    const forbidden = errorAnswer(new AppError("forbidden", "no"), request);
    assert.equal(forbidden.headers["www-authenticate"], undefined);
    assert.equal(forbidden.headers["retry-after"], undefined);
  });

  it("never shows a bug's message or stack", () => {
    const a = errorAnswer(new TypeError("Cannot read properties of undefined (reading 'secret')"), request);
    assert.equal(a.status, 500);
    assert.doesNotMatch(a.body, /secret|TypeError|at /);
  });
});
