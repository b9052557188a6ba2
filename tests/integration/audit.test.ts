import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { AuditReport } from "../../lib/contracts/history";
import { createTestDatabase, useDatabase, type TestDatabase } from "../helpers/database";
import { eventStatus, waitFor } from "../helpers/invariants";
import { spawnDriver } from "../helpers/spawn";

// The audit on a real database: it passes on honest runs (one process; two processes, one of
// them killed with SIGKILL mid-run) and fails on each kind of tampering with the rows.

let t: TestDatabase;
let lib: {
  createEvent: typeof import("../../lib/events/create").createEvent;
  control: typeof import("../../lib/events/control");
  buy: typeof import("../../lib/events/buy").buy;
  engine: typeof import("../../lib/engine/engine").engine;
  closeDb: typeof import("../../lib/db/client").closeDb;
  auditRun: typeof import("../../lib/history/audit").auditRun;
};
let honest: number;

const ROOT = path.join(import.meta.dirname, "../..");

async function rows<T>(q: string, params: unknown[] = []): Promise<T[]> {
  const [r] = await t.sql.query(q, params);
  return r as T[];
}

/** The audit as an operator runs it: `npm run audit -- --event <id>`, its exit code and its report. */
function cli(...args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", "lib/server/audit-cli.ts", ...args], { cwd: ROOT, env: { ...process.env, DATABASE_URL: t.url, LOG_LEVEL: "silent" } });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("exit", (code) => resolve({ code, out }));
  });
}

const failing = (r: AuditReport) => r.checks.filter((c) => !c.ok).map((c) => c.name);

before(async () => {
  t = await createTestDatabase("audit");
  useDatabase(t.url);
  lib = {
    createEvent: (await import("../../lib/events/create")).createEvent,
    control: await import("../../lib/events/control"),
    buy: (await import("../../lib/events/buy")).buy,
    engine: (await import("../../lib/engine/engine")).engine,
    closeDb: (await import("../../lib/db/client")).closeDb,
    auditRun: (await import("../../lib/history/audit")).auditRun,
  };
  honest = await lib.createEvent({ name: "Audited", totalTickets: 2_000, maxTicketCapacity: 30, ticketReleaseRate: 1_500, customerRetrievalRate: 300, vendors: 3, customers: 8, vipCustomers: 2 });
  await lib.control.startEvent(honest);
  // A real buyer in the same queue, served in full.
  const bought = await lib.buy(honest, { buyer: "Real buyer", quantity: 3, vip: false }, { deadline: Date.now() + 20_000, source: "API" });
  assert.equal(bought.purchase.status, "COMPLETED");
  await waitFor("sell-out", async () => ((await eventStatus(t.sql, honest)).status === "SOLD_OUT" ? true : undefined), 90_000);
});

after(async () => {
  await lib.engine().shutdown();
  await lib.closeDb();
  await t.drop();
});

describe("the audit of an honest run", () => {
  it("passes every check, in the library and from the command line", async () => {
    const report = await lib.auditRun(honest);
    assert.deepEqual(failing(report), [], JSON.stringify(report, null, 2));
    assert.ok(report.checks.length >= 9);
    const { code, out } = await cli("--event", String(honest));
    assert.equal(code, 0, out);
    assert.match(out, /PASSED/);
    assert.match(out, /the pool never exceeded its capacity: replayed 4,000 moves in time order: the pool peaked at \d+ of 30/);
  });

  it("passes a run driven by two processes, one of them killed with SIGKILL mid-run", async () => {
    const id = await lib.createEvent({ name: "Crash", totalTickets: 3_000, maxTicketCapacity: 40, ticketReleaseRate: 20, customerRetrievalRate: 10, vendors: 30, customers: 60, vipCustomers: 10 });
    await t.sql.query("UPDATE Event SET status = 'RUNNING' WHERE id = ?", [id]);
    await t.sql.query("UPDATE Vendor SET state = 'WORKING' WHERE eventId = ?", [id]);
    await t.sql.query("UPDATE Customer SET state = 'WORKING' WHERE eventId = ?", [id]);
    const a = spawnDriver(t.url, id, "drive", { LOG_LEVEL: "silent" });
    const b = spawnDriver(t.url, id, "drive", { LOG_LEVEL: "silent" });
    await waitFor("some sales", async () => (await eventStatus(t.sql, id)).sold >= 500, 60_000);
    a.kill("SIGKILL");
    await a.exited;
    assert.equal(await b.exited, 0);
    assert.equal((await eventStatus(t.sql, id)).status, "SOLD_OUT");
    const report = await lib.auditRun(id);
    assert.deepEqual(failing(report), [], JSON.stringify(report, null, 2));
  });

  it("answers GET /api/events/{id}/audit with the same report, and 404 for an unknown run", async () => {
    const { GET } = await import("../../app/api/events/[id]/audit/route");
    const call = (q: string) => GET(new Request(`http://localhost/api/events/${honest}/audit${q}`), { params: Promise.resolve({ id: String(honest) }) });
    const res = await call("?run=1");
    assert.equal(res.status, 200);
    const body = (await res.json()) as AuditReport;
    assert.equal(body.ok, true);
    assert.deepEqual(body.checks.map((c) => c.name), (await lib.auditRun(honest, 1)).checks.map((c) => c.name));
    assert.equal((await call("?run=4")).status, 404);
    assert.equal((await call("?run=x")).status, 400);
  });

  it("passes a run whose log ids are not in commit order (as on a Galera cluster): it reads the log in seq order", async () => {
    // Every row's id turned around: the later a row in the log (seq), the lower its id.
    await t.sql.query("CREATE TEMPORARY TABLE idmap AS SELECT id, seq FROM EventLog WHERE eventId = ?", [honest]);
    await t.sql.query("UPDATE EventLog SET id = id + 100000000 WHERE eventId = ?", [honest]);
    await t.sql.query("UPDATE EventLog SET id = 50000000 - seq WHERE eventId = ?", [honest]);
    try {
      const [[soldOut]] = (await t.sql.query("SELECT id, (SELECT COUNT(*) FROM EventLog x WHERE x.eventId = l.eventId AND x.id > l.id AND x.kind = 'SOLD') AS soldAbove FROM EventLog l WHERE eventId = ? AND kind = 'SOLD_OUT'", [honest])) as unknown as [[{ soldAbove: number }]];
      assert.ok(Number(soldOut.soldAbove) > 0, "sale rows logged before SOLD_OUT have higher ids than it");
      const report = await lib.auditRun(honest);
      assert.deepEqual(failing(report), [], JSON.stringify(report, null, 2));
    } finally {
      await t.sql.query("UPDATE EventLog l JOIN idmap m ON m.seq = l.seq SET l.id = m.id WHERE l.eventId = ?", [honest]);
      await t.sql.query("DROP TEMPORARY TABLE idmap");
    }
  });

  it("answers for an unknown event or run with exit code 2", async () => {
    assert.equal((await cli("--event", "999999")).code, 2);
    assert.equal((await cli("--event", String(honest), "--run", "5")).code, 2);
    assert.equal((await cli("--event", "x")).code, 2);
  });
});

describe("the audit of a tampered database", () => {
  /** Applies the tampering, audits, then restores the rows, so each case starts honest. */
  async function tampered(tamper: () => Promise<() => Promise<void>>): Promise<string[]> {
    const restore = await tamper();
    try {
      return failing(await lib.auditRun(honest));
    } finally {
      await restore();
      assert.deepEqual(failing(await lib.auditRun(honest)), [], "restored");
    }
  }
  const soldTicket = async () => (await rows<{ id: number; purchaseId: number }>("SELECT id, purchaseId FROM Ticket WHERE eventId = ? AND soldAt IS NOT NULL ORDER BY id LIMIT 1 OFFSET 100", [honest]))[0];

  it("catches a duplicated sale", async () => {
    const fails = await tampered(async () => {
      const tk = await soldTicket();
      const [r] = await t.sql.query("INSERT INTO Ticket (eventId, run, vendorId, releasedAt, customerId, buyer, soldAt, purchaseId) SELECT eventId, run, vendorId, releasedAt, customerId, buyer, soldAt, purchaseId FROM Ticket WHERE id = ?", [tk.id]);
      const copy = (r as { insertId: number }).insertId;
      return async () => void (await t.sql.query("DELETE FROM Ticket WHERE id = ?", [copy]));
    });
    assert.ok(fails.includes("every completed purchase holds exactly its quantity"), fails.join("; "));
    assert.ok(fails.includes("counters equal the ticket rows"), fails.join("; "));
  });

  it("catches a sale logged twice", async () => {
    const fails = await tampered(async () => {
      const [r] = await t.sql.query(
        "INSERT INTO EventLog (eventId, seq, run, kind, actor, vip, ticketId, lastTicketId, tickets, message, released, sold, available, createdAt) SELECT eventId, (SELECT MAX(seq) + 1 FROM EventLog l WHERE l.eventId = EventLog.eventId), run, kind, actor, vip, ticketId, lastTicketId, tickets, message, released, sold, available, createdAt FROM EventLog WHERE eventId = ? AND kind = 'SOLD' ORDER BY id LIMIT 1",
        [honest],
      );
      const copy = (r as { insertId: number }).insertId;
      return async () => void (await t.sql.query("DELETE FROM EventLog WHERE id = ?", [copy]));
    });
    // Appended at the end of the log, the copy also comes after SOLD_OUT and breaks the last row's counters.
    assert.ok(fails.includes("every sale recorded once"), fails.join("; "));
  });

  it("catches a ticket sold before its release", async () => {
    const fails = await tampered(async () => {
      const tk = await soldTicket();
      const [[before]] = (await t.sql.query("SELECT soldAt FROM Ticket WHERE id = ?", [tk.id])) as unknown as [{ soldAt: Date }[]];
      await t.sql.query("UPDATE Ticket SET soldAt = releasedAt - INTERVAL 1 SECOND WHERE id = ?", [tk.id]);
      return async () => void (await t.sql.query("UPDATE Ticket SET soldAt = ? WHERE id = ?", [before.soldAt, tk.id]));
    });
    assert.ok(fails.includes("every ticket released before it was sold"), fails.join("; "));
  });

  it("catches a counter that disagrees with the rows", async () => {
    const fails = await tampered(async () => {
      await t.sql.query("UPDATE Event SET sold = sold - 1, available = available + 1 WHERE id = ?", [honest]);
      return async () => void (await t.sql.query("UPDATE Event SET sold = sold + 1, available = available - 1 WHERE id = ?", [honest]));
    });
    assert.deepEqual(fails, ["counters equal the ticket rows"]);
  });

  it("catches a purchase short of its quantity", async () => {
    const fails = await tampered(async () => {
      const [p] = await rows<{ id: number }>("SELECT id FROM Purchase WHERE eventId = ? AND status = 'COMPLETED' AND source = 'API'", [honest]);
      await t.sql.query("UPDATE Purchase SET quantity = quantity + 1 WHERE id = ?", [p.id]);
      return async () => void (await t.sql.query("UPDATE Purchase SET quantity = quantity - 1 WHERE id = ?", [p.id]));
    });
    assert.deepEqual(fails, ["every completed purchase holds exactly its quantity"]);
  });

  it("catches a sold ticket without its buyer", async () => {
    const fails = await tampered(async () => {
      const tk = await soldTicket();
      const [[before]] = (await t.sql.query("SELECT buyer FROM Ticket WHERE id = ?", [tk.id])) as unknown as [{ buyer: string }[]];
      await t.sql.query("UPDATE Ticket SET buyer = 'Someone else' WHERE id = ?", [tk.id]);
      return async () => void (await t.sql.query("UPDATE Ticket SET buyer = ? WHERE id = ?", [before.buyer, tk.id]));
    });
    assert.deepEqual(fails, ["every sold ticket has one buyer and one purchase"]);
  });

  it("catches a pool that held more than its capacity", async () => {
    const fails = await tampered(async () => {
      const moved = await rows<{ id: number; releasedAt: Date }>("SELECT id, releasedAt FROM Ticket WHERE eventId = ? ORDER BY id DESC LIMIT 100", [honest]);
      await t.sql.query("UPDATE Ticket t JOIN (SELECT MIN(releasedAt) AS first FROM Ticket WHERE eventId = ?) s SET t.releasedAt = s.first WHERE t.id IN (?)", [honest, moved.map((m) => m.id)]);
      return async () => {
        for (const m of moved) await t.sql.query("UPDATE Ticket SET releasedAt = ? WHERE id = ?", [m.releasedAt, m.id]);
      };
    });
    assert.deepEqual(fails, ["the pool never exceeded its capacity"]);
  });

  it("catches a ticket sold after SOLD_OUT, and exits 1 from the command line", async () => {
    const tk = await soldTicket();
    const [[before]] = (await t.sql.query("SELECT soldAt FROM Ticket WHERE id = ?", [tk.id])) as unknown as [{ soldAt: Date }[]];
    await t.sql.query("UPDATE Ticket SET soldAt = (SELECT MAX(createdAt) FROM EventLog WHERE eventId = ?) + INTERVAL 1 SECOND WHERE id = ?", [honest, tk.id]);
    try {
      assert.ok(failing(await lib.auditRun(honest)).includes("nothing sold after SOLD_OUT"));
      const { code, out } = await cli("--event", String(honest), "--run", "1");
      assert.equal(code, 1, out);
      assert.match(out, /FAILED/);
      assert.match(out, new RegExp(`FAIL\\s+nothing sold after SOLD_OUT: .*\\n\\s+e\\.g\\. ${tk.id}`));
    } finally {
      await t.sql.query("UPDATE Ticket SET soldAt = ? WHERE id = ?", [before.soldAt, tk.id]);
    }
  });
});
