import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestDatabase, useDatabase, type TestDatabase } from "../helpers/database";
import { assertPoolInvariants, eventStatus, waitFor } from "../helpers/invariants";
import { spawnDriver, type Driver } from "../helpers/spawn";

// Crash loops: the process that drives a sale is killed with `kill -9` twenty times at random
// moments, and a fresh process takes over each time. Each batch holds its transaction open a
// while (TEST_BATCH_DELAY_MS, tests only), so many kills land inside one: the test sees the
// open transaction, with rows written, just before it kills. Real buyers keep buying from this
// process throughout. Afterwards nothing is lost or doubled, counters equal the rows, the log
// accounts for every ticket, and every real buyer got exactly one answer.

const KILLS = 20;

let t: TestDatabase;
let lib: {
  createEvent: typeof import("../../lib/events/create").createEvent;
  buy: typeof import("../../lib/events/buy").buy;
  closeDb: () => Promise<void>;
  closeSql: () => Promise<void>;
};

before(async () => {
  t = await createTestDatabase("crashloop");
  useDatabase(t.url);
  process.env.ENGINE_AUTOSTART = "false";
  lib = {
    createEvent: (await import("../../lib/events/create")).createEvent,
    buy: (await import("../../lib/events/buy")).buy,
    closeDb: (await import("../../lib/db/client")).closeDb,
    closeSql: (await import("../../lib/db/sql")).closeSql,
  };
});

after(async () => {
  await lib.closeSql();
  await lib.closeDb();
  await t.drop();
});

/** Open transactions on the test database that have written rows, other than the test's own. */
async function openWritingTransactions(): Promise<number> {
  const [rows] = await t.sql.query(
    `SELECT COUNT(*) AS n FROM information_schema.INNODB_TRX x JOIN information_schema.PROCESSLIST p ON p.ID = x.trx_mysql_thread_id
      WHERE p.DB = ? AND p.ID <> CONNECTION_ID() AND x.trx_rows_modified > 0`,
    [t.name],
  );
  return Number((rows as { n: number }[])[0].n);
}

describe("twenty kill -9s of the driving process in one sale", () => {
  it("loses and doubles nothing, and answers every real buyer once", async () => {
    const id = await lib.createEvent({ name: "Crash loop", totalTickets: 6_000, maxTicketCapacity: 150, ticketReleaseRate: 100, customerRetrievalRate: 40, vendors: 4, customers: 8, vipCustomers: 2 });
    await t.sql.query("UPDATE Event SET status = 'RUNNING' WHERE id = ?", [id]);
    await t.sql.query("UPDATE Vendor SET state = 'WORKING' WHERE eventId = ?", [id]);
    await t.sql.query("UPDATE Customer SET state = 'WORKING' WHERE eventId = ?", [id]);

    // Real buyers, from this process (which never drives): each call must end exactly once.
    type Answer = { key: string; status?: string; purchaseId?: string; tickets?: number; error?: string };
    const answers: Answer[] = [];
    const calls = new Map<string, number>();
    let buying = true;
    const buyers = Array.from({ length: 4 }, async (_, b) => {
      for (let n = 0; buying; n++) {
        const key = `crash-${b}-${n}`;
        calls.set(key, 0);
        try {
          const r = await lib.buy(id, { buyer: `Buyer ${b}`, quantity: 1 + (n % 2), vip: b === 0 }, { idempotencyKey: key, deadline: Date.now() + 1_000, source: "API" });
          calls.set(key, calls.get(key)! + 1);
          answers.push({ key, status: r.purchase.status, purchaseId: r.purchase.purchaseId, tickets: r.purchase.ticketIds.length });
          if (r.purchase.status === "SOLD_OUT") return;
        } catch (err) {
          calls.set(key, calls.get(key)! + 1);
          answers.push({ key, error: String(err) });
          if (String(err).includes("Sold out")) return;
        }
        await new Promise((r) => setTimeout(r, 30));
      }
    });

    const env = { ENGINE_TICK_MS: "50", TEST_BATCH_DELAY_MS: "40", LOG_LEVEL: "silent" };
    let midTransaction = 0;
    let driver: Driver | undefined;
    try {
      for (let k = 0; k < KILLS; k++) {
        driver = spawnDriver(t.url, id, "instance", { ...env, INSTANCE_ID: `crash-${k}` });
        await waitFor(`process ${k} to drive`, async () => {
          const [rows] = await t.sql.query("SELECT driverInstance AS d FROM Event WHERE id = ?", [id]);
          return (rows as { d: string | null }[])[0].d === `crash-${k}`;
        }, 20_000, 20);
        // A random moment of its sale.
        await new Promise((r) => setTimeout(r, 150 + Math.random() * 500));
        const inside = await openWritingTransactions();
        driver.kill("SIGKILL");
        if (inside > 0) midTransaction++;
        await driver.exited;
        assert.equal((await eventStatus(t.sql, id)).status, "RUNNING", `the sale was still on at kill ${k + 1}`);
      }
      console.log(`${KILLS} kills, ${midTransaction} inside a batch's open transaction`);
      assert.ok(midTransaction >= 3, `only ${midTransaction} of ${KILLS} kills landed inside a transaction`);

      // A last process finishes the sale.
      driver = spawnDriver(t.url, id, "instance", { ...env, INSTANCE_ID: "finisher" });
      await waitFor("the sale to sell out", async () => (await eventStatus(t.sql, id)).status === "SOLD_OUT", 90_000);
      assert.equal(await driver.exited, 0);
    } finally {
      buying = false;
      if (driver && driver.exitCode === null) driver.kill("SIGKILL");
    }
    await Promise.all(buyers);

    assert.deepEqual(await assertPoolInvariants(t.sql, id), { released: 6_000, sold: 6_000, available: 0, status: "SOLD_OUT" });
    // Every call ended once; every purchase ended served (whole) or refused at sell-out.
    assert.ok([...calls.values()].every((n) => n === 1), "each buyer's call returned exactly once");
    const failed = answers.filter((a) => a.error && !a.error.includes("Sold out"));
    assert.deepEqual(failed, [], "no buyer's call failed");
    const [left] = await t.sql.query("SELECT status, COUNT(*) AS n FROM Purchase WHERE eventId = ? AND source = 'API' GROUP BY status ORDER BY status", [id]);
    assert.ok((left as { status: string }[]).every((r) => r.status === "COMPLETED" || r.status === "SOLD_OUT"), `real purchases all ended: ${JSON.stringify(left)}`);
    const served = answers.filter((a) => a.status === "COMPLETED");
    assert.ok(served.length > 20, `${served.length} real purchases served`);
    for (const a of served) {
      const [rows] = await t.sql.query("SELECT COUNT(*) AS n FROM Ticket t JOIN Purchase p ON p.id = t.purchaseId WHERE p.publicId = ?", [a.purchaseId]);
      assert.equal(Number((rows as { n: number }[])[0].n), a.tickets, `purchase ${a.purchaseId} holds the tickets its answer named`);
    }
    // Each process that took the sale up is in the log (the first and the finisher included), in order.
    const [resumed] = await t.sql.query("SELECT actor, message FROM EventLog WHERE eventId = ? AND kind = 'RESUMED' ORDER BY seq", [id]);
    assert.deepEqual(
      (resumed as { message: string }[]).map((r) => r.message),
      [...Array.from({ length: KILLS }, (_, k) => `crash-${k} took over the run`), "finisher took over the run"],
    );
  });
});
