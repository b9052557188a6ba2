import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isRetryableConflict } from "../../lib/db/conflict";

// Which failures run a transaction again (lib/db/conflict.ts): deadlocks and Galera
// certification failures (1213), a node not ready (1047) — from mysql2, the mariadb driver or
// Prisma — and nothing else: a duplicate key or a lost connection is not a conflict.

describe("retryable conflicts", () => {
  it("are deadlocks and certification failures, and a node not ready, from any driver", () => {
    assert.equal(isRetryableConflict(Object.assign(new Error("Deadlock found when trying to get lock; try restarting transaction"), { errno: 1213, code: "ER_LOCK_DEADLOCK" })), true);
    assert.equal(isRetryableConflict(Object.assign(new Error("WSREP has not yet prepared node for application use"), { errno: 1047 })), true);
    assert.equal(isRetryableConflict(Object.assign(new Error("Transaction failed due to a write conflict or a deadlock"), { code: "P2034" })), true);
    assert.equal(isRetryableConflict(new Error("wrapped", { cause: Object.assign(new Error("x"), { sqlState: "40001" }) })), true);
  });

  it("are not other errors", () => {
    assert.equal(isRetryableConflict(Object.assign(new Error("Duplicate entry 'k' for key 'idem'"), { errno: 1062 })), false);
    assert.equal(isRetryableConflict(Object.assign(new Error("Connection lost: The server closed the connection."), { code: "PROTOCOL_CONNECTION_LOST" })), false);
    assert.equal(isRetryableConflict(undefined), false);
  });
});
