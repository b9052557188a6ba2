import assert from "node:assert/strict";
import { fork } from "node:child_process";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { createTestDatabase, useDatabase, type TestDatabase } from "../helpers/database";
import { waitFor } from "../helpers/invariants";
import { spawnDriver } from "../helpers/spawn";

// One queue across instances: buyers join through two processes that do not drive the sale
// (this one and a child), while a third process drives it with an empty pool. When tickets
// come, they are served VIPs first, and first come first served within each class, whichever
// process each buyer's request reached.

let t: TestDatabase;
let lib: {
  createEvent: typeof import("../../lib/events/create").createEvent;
  buy: typeof import("../../lib/events/buy").buy;
  roster: typeof import("../../lib/events/roster");
  closeDb: () => Promise<void>;
  closeSql: () => Promise<void>;
};

before(async () => {
  t = await createTestDatabase("queuexproc");
  useDatabase(t.url);
  process.env.ENGINE_AUTOSTART = "false";
  lib = {
    createEvent: (await import("../../lib/events/create")).createEvent,
    buy: (await import("../../lib/events/buy")).buy,
    roster: await import("../../lib/events/roster"),
    closeDb: (await import("../../lib/db/client")).closeDb,
    closeSql: (await import("../../lib/db/sql")).closeSql,
  };
});

after(async () => {
  await lib.closeSql();
  await lib.closeDb();
  await t.drop();
});

type Answer = { key: string; purchaseId?: string; status?: string; error?: string };

describe("one queue across processes", () => {
  it("serves VIPs first and each class in arrival order, wherever each buyer joined", async () => {
    const id = await lib.createEvent({ name: "One queue", totalTickets: 100, maxTicketCapacity: 100, ticketReleaseRate: 50, customerRetrievalRate: 1, vendors: 1, customers: 0, vipCustomers: 0 });
    const [vendors] = await t.sql.query("SELECT id FROM Vendor WHERE eventId = ?", [id]);
    const vendorId = (vendors as { id: number }[])[0].id;
    // The only vendor is paused: the pool stays empty while the line forms.
    await t.sql.query("UPDATE Vendor SET paused = TRUE, state = 'PAUSED' WHERE id = ?", [vendorId]);
    await t.sql.query("UPDATE Event SET status = 'RUNNING' WHERE id = ?", [id]);
    const driver = spawnDriver(t.url, id, "instance", { INSTANCE_ID: "driver", ENGINE_TICK_MS: "50" });

    const other = fork(path.join(import.meta.dirname, "../helpers/buy-keys.ts"), [t.url, String(id)], { execArgv: ["--import", "tsx", "--conditions=react-server"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
    const messages: { answers?: Answer[]; ready?: boolean }[] = [];
    other.on("message", (m: { answers?: Answer[]; ready?: boolean }) => messages.push(m));
    try {
      await waitFor("the other process to load", async () => messages.some((m) => m.ready), 20_000, 20);
      await waitFor("the driver to drive", async () => {
        const [rows] = await t.sql.query("SELECT driverInstance AS d FROM Event WHERE id = ?", [id]);
        return (rows as { d: string | null }[])[0].d === "driver";
      }, 20_000, 20);

      // Arrivals, alternating between the two processes, regulars and VIPs mixed.
      const arrivals = [
        { buyer: "R1", vip: false, here: true },
        { buyer: "R2", vip: false, here: false },
        { buyer: "V1", vip: true, here: false },
        { buyer: "R3", vip: false, here: true },
        { buyer: "V2", vip: true, here: true },
        { buyer: "V3", vip: true, here: false },
        { buyer: "R4", vip: false, here: false },
      ];
      for (const a of arrivals) {
        const before = messages.filter((m) => m.answers).length;
        if (a.here) {
          const r = await lib.buy(id, { buyer: a.buyer, quantity: 1, vip: a.vip }, { idempotencyKey: a.buyer, deadline: Date.now(), source: "API" });
          assert.equal(r.purchase.status, "QUEUED");
        } else {
          other.send({ go: [a.buyer], buyer: a.buyer, vip: a.vip, waitMs: 0 });
          await waitFor(`${a.buyer} to join`, async () => messages.filter((m) => m.answers).length > before, 10_000, 10);
          assert.equal(messages.at(-1)!.answers![0].status, "QUEUED");
        }
        await new Promise((r) => setTimeout(r, 15)); // distinct arrival times
      }

      await lib.roster.setActorPaused(id, "vendor", vendorId, false);
      await waitFor("every buyer to be served", async () => {
        const [rows] = await t.sql.query("SELECT COUNT(*) AS n FROM Purchase WHERE eventId = ? AND status = 'COMPLETED'", [id]);
        return Number((rows as { n: number }[])[0].n) === arrivals.length;
      }, 20_000);
      // Tickets are sold oldest first, in serving order: the ticket ids say who was served when.
      const [rows] = await t.sql.query("SELECT p.buyer FROM Ticket t JOIN Purchase p ON p.id = t.purchaseId WHERE t.eventId = ? ORDER BY t.id", [id]);
      assert.deepEqual((rows as { buyer: string }[]).map((r) => r.buyer), ["V1", "V2", "V3", "R1", "R2", "R3", "R4"]);
    } finally {
      other.send({ quit: true });
      await t.sql.query("UPDATE Event SET status = 'STOPPED' WHERE id = ?", [id]);
      await driver.exited;
    }
  });
});
