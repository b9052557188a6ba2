import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestDatabase, useDatabase, type TestDatabase } from "../helpers/database";

// The hot path's own transactions (lib/db/sql.ts), against the real database: deferred writes
// land at commit in order, one failing write rolls everything back, inserts say their first
// id, hostile text round-trips intact, and a transaction that hangs is cut off and undone.

let t: TestDatabase;
let sql: typeof import("../../lib/db/sql");
let closeDb: () => Promise<void>;

before(async () => {
  t = await createTestDatabase("hotsql");
  useDatabase(t.url);
  sql = await import("../../lib/db/sql");
  closeDb = (await import("../../lib/db/client")).closeDb;
  await sql.sqlTransaction(async (tx) => {
    await tx.$executeRawUnsafe("CREATE TABLE IF NOT EXISTS HotProbe (id BIGINT AUTO_INCREMENT PRIMARY KEY, label VARCHAR(200) NOT NULL, n INT NOT NULL CHECK (n >= 0))");
  });
});

after(async () => {
  await closeDb();
  await t.drop();
});

async function rows(): Promise<{ id: number; label: string; n: number }[]> {
  return sql.sqlTransaction((tx) => tx.$queryRawUnsafe("SELECT id, label, n FROM HotProbe ORDER BY id"));
}

describe("hot-path transactions", () => {
  it("applies deferred writes at commit, in the order they were queued, after the direct ones", async () => {
    await sql.sqlTransaction(async (tx) => {
      await tx.deferred.$executeRawUnsafe("UPDATE HotProbe SET n = n + 1 WHERE label = ?", "first");
      const { firstId, rows: inserted } = await tx.insert("INSERT INTO HotProbe (label, n) VALUES ('first', 0), ('second', 0)");
      assert.equal(inserted, 2);
      const [row] = await tx.$queryRawUnsafe<{ id: number }[]>("SELECT id FROM HotProbe WHERE label = 'first'");
      assert.equal(BigInt(row.id), firstId);
      await tx.deferred.$executeRawUnsafe("UPDATE HotProbe SET n = n * 10 WHERE label = ?", "first");
      // Not yet sent: the direct read still sees 0.
      const [before] = await tx.$queryRawUnsafe<{ n: number }[]>("SELECT n FROM HotProbe WHERE label = 'first'");
      assert.equal(before.n, 0);
    });
    const all = await rows();
    assert.deepEqual(all.map((r) => [r.label, r.n]), [["first", 10], ["second", 0]]);
  });

  it("rolls back the whole transaction, direct writes included, when one deferred write fails", async () => {
    await assert.rejects(
      sql.sqlTransaction(async (tx) => {
        await tx.$executeRawUnsafe("INSERT INTO HotProbe (label, n) VALUES ('doomed', 1)");
        await tx.deferred.$executeRawUnsafe("UPDATE HotProbe SET n = n + 1 WHERE label = 'second'");
        await tx.deferred.$executeRawUnsafe("UPDATE HotProbe SET n = -1 WHERE label = 'second'"); // breaks the CHECK
      }),
      /constraint|check/i,
    );
    const all = await rows();
    assert.deepEqual(all.map((r) => [r.label, r.n]), [["first", 10], ["second", 0]]);
  });

  it("keeps hostile text intact through bound values and literals", async () => {
    const nasty = ["'); DROP TABLE HotProbe; --", 'a"b\\c', "),(", "line\nbreak\u0000nul", "ünï©ødé 🎟️"];
    await sql.sqlTransaction(async (tx) => {
      for (const label of nasty) await tx.deferred.$executeRawUnsafe("INSERT INTO HotProbe (label, n) VALUES (?, ?)", label, 7);
    });
    const all = await rows();
    assert.deepEqual(all.filter((r) => r.n === 7).map((r) => r.label), nasty);
  });

  it("cuts off a transaction that outlives its timeout, undoing it, and the pool still serves", async () => {
    await assert.rejects(
      sql.sqlTransaction(async (tx) => {
        await tx.$executeRawUnsafe("INSERT INTO HotProbe (label, n) VALUES ('slow', 1)");
        await tx.$queryRawUnsafe("SELECT SLEEP(3)");
      }, 300),
      /timed out/,
    );
    const all = await rows();
    assert.equal(all.filter((r) => r.label === "slow").length, 0);
  });
});

describe("a hot transaction whose process stops mid-way (a frozen serverless instance)", () => {
  it("is ended by the server after IDLE_TRANSACTION_S, with its row locks: another transaction gets the row, and nothing of the idle one stays", async () => {
    await sql.sqlTransaction((tx) => tx.$executeRawUnsafe("INSERT INTO HotProbe (label, n) VALUES ('frozen', 0)"));
    let locked!: () => void;
    const holding = new Promise<void>((r) => (locked = r));
    // The "frozen" one: takes the row's lock, writes, then sends nothing for longer than the timeout.
    const frozen = sql.sqlTransaction(async (tx) => {
      await tx.$queryRawUnsafe("SELECT id FROM HotProbe WHERE label = 'frozen' FOR UPDATE");
      await tx.$executeRawUnsafe("UPDATE HotProbe SET n = 99 WHERE label = 'frozen'");
      locked();
      await new Promise((r) => setTimeout(r, (sql.IDLE_TRANSACTION_S + 2) * 1000));
      await tx.$executeRawUnsafe("UPDATE HotProbe SET n = 100 WHERE label = 'frozen'");
    });
    const frozenOutcome = frozen.then(() => "committed", (err: Error) => err.message);
    await holding;
    const started = Date.now();
    await sql.sqlTransaction(async (tx) => {
      await tx.$queryRawUnsafe("SELECT id FROM HotProbe WHERE label = 'frozen' FOR UPDATE");
      await tx.$executeRawUnsafe("UPDATE HotProbe SET n = n + 1 WHERE label = 'frozen'");
    });
    const waited = Date.now() - started;
    assert.ok(waited < (sql.IDLE_TRANSACTION_S + 2) * 1000, `the row was free after ${waited} ms, before the frozen transaction woke`);
    assert.ok(waited > (sql.IDLE_TRANSACTION_S - 1) * 1000, `waited ${waited} ms`);
    assert.notEqual(await frozenOutcome, "committed", "the frozen transaction finds its connection gone");
    const [row] = (await rows()).filter((r) => r.label === "frozen");
    assert.equal(row.n, 1, "the frozen transaction's write was rolled back; the other one's stands");
  });
});
