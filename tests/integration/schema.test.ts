import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { migrate, migrationsDir } from "../../lib/db/migrate";
import { NODE_AND_SESSION } from "../../lib/db/session-sql";
import { createTestDatabase, useDatabase, type TestDatabase } from "../helpers/database";

let t: TestDatabase;
let client: typeof import("../../lib/db/client");

before(async () => {
  t = await createTestDatabase("schema");
  useDatabase(t.url);
  client = await import("../../lib/db/client");
});

after(async () => {
  await client.closeDb();
  await t.drop();
});

describe("migrations", () => {
  it("creates the database, applies the SQL once and records it as Prisma does", async () => {
    const [rows] = await t.sql.query("SELECT migration_name, checksum, finished_at, applied_steps_count FROM _prisma_migrations");
    const list = rows as { migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }[];
    assert.ok(list.length >= 1);
    for (const m of list) {
      const sql = await readFile(path.join(migrationsDir(), m.migration_name, "migration.sql"), "utf8");
      assert.equal(m.checksum, createHash("sha256").update(sql).digest("hex"));
      assert.ok(m.finished_at);
      assert.equal(m.applied_steps_count, 1);
    }
    assert.deepEqual(await migrate(t.url), { created: false, applied: [] }, "a second run applies nothing");
  });

  it("lets several instances migrate the same fresh database at once", async () => {
    const url = `${t.url}_parallel`;
    try {
      const results = await Promise.all([migrate(url), migrate(url), migrate(url)]);
      assert.equal(results.filter((r) => r.applied.length > 0).length, 1, "exactly one instance applies the migrations");
    } finally {
      await t.sql.query(`DROP DATABASE IF EXISTS \`${t.name}_parallel\``);
    }
  });

  it("takes its lock as a row (no named lock, which a Galera node keeps to itself): waits out a live holder elsewhere, takes one whose session on this node is gone at once", async () => {
    const [[lockRow]] = (await t.sql.query("SELECT holder, expiresAt FROM _ticketing_migration_lock WHERE id = 1")) as unknown as [[{ holder: string | null; expiresAt: Date | null }]];
    assert.deepEqual(lockRow, { holder: null, expiresAt: null }, "given back after the migrations");
    // A holder on another node (another instance migrating there), 1.5 s left on its lock.
    await t.sql.query("UPDATE _ticketing_migration_lock SET holder = 'elsewhere', holderNode = 'another-node:3306:n2', holderSession = 12345, expiresAt = UTC_TIMESTAMP(3) + INTERVAL 1500000 MICROSECOND WHERE id = 1");
    let at = Date.now();
    assert.deepEqual(await migrate(t.url), { created: false, applied: [] });
    const waited = Date.now() - at;
    assert.ok(waited >= 1_200 && waited < 5_000, `waited for the other node's holder to expire (${waited} ms)`);
    // A holder on this node whose session is gone (its process was killed mid-migration), 60 s left: taken at once.
    const [[me]] = (await t.sql.query(NODE_AND_SESSION)) as unknown as [[{ node: string }]];
    await t.sql.query("UPDATE _ticketing_migration_lock SET holder = 'killed', holderNode = ?, holderSession = 4000000000, expiresAt = UTC_TIMESTAMP(3) + INTERVAL 60 SECOND WHERE id = 1", [me.node]);
    at = Date.now();
    assert.deepEqual(await migrate(t.url), { created: false, applied: [] });
    assert.ok(Date.now() - at < 2_000, `took the dead session's lock at once (${Date.now() - at} ms)`);
    // A live holder on this node (its session is this test's own connection) is waited for, not taken.
    const [[{ session }]] = (await t.sql.query("SELECT CONNECTION_ID() AS session")) as unknown as [[{ session: number }]];
    await t.sql.query("UPDATE _ticketing_migration_lock SET holder = 'alive', holderNode = ?, holderSession = ?, expiresAt = UTC_TIMESTAMP(3) + INTERVAL 1 SECOND WHERE id = 1", [me.node, session]);
    at = Date.now();
    await migrate(t.url);
    assert.ok(Date.now() - at >= 700, `waited for the live holder (${Date.now() - at} ms)`);
  });
});

describe("the schema and the generated client agree", () => {
  it("round-trips every model through the Prisma client", async () => {
    const db = client.db();
    const ev = await db.event.create({ data: { name: "Schema", totalTickets: 10, maxTicketCapacity: 5, ticketReleaseRate: 0.5, customerRetrievalRate: 2.5 } });
    assert.deepEqual({ status: ev.status, run: ev.run, released: ev.released }, { status: "IDLE", run: 1, released: 0 });
    const vendor = await db.vendor.create({ data: { eventId: ev.id, name: "V", ticketReleaseRate: 1.5 } });
    const customer = await db.customer.create({ data: { eventId: ev.id, name: "C", vip: true } });
    assert.equal(vendor.state, "PAUSED");
    const now = new Date();
    const ticket = await db.ticket.create({ data: { eventId: ev.id, run: 1, vendorId: vendor.id, releasedAt: now, customerId: customer.id, buyer: "C", soldAt: now } });
    const log = await db.eventLog.create({ data: { eventId: ev.id, seq: 1n, run: 1, kind: "SOLD", actor: "C", vip: true, ticketId: ticket.id, message: "m", released: 1, sold: 1, available: 0 } });
    await db.event.update({ where: { id: ev.id }, data: { status: "RUNNING", released: 1, sold: 1 } });
    const back = await db.event.findUniqueOrThrow({ where: { id: ev.id }, include: { vendors: true, customers: true } });
    assert.equal(back.status, "RUNNING");
    assert.equal(back.vendors[0].ticketReleaseRate, 1.5);
    assert.equal(back.customers[0].vip, true);
    const sold = await db.ticket.findFirstOrThrow({ where: { eventId: ev.id, customerId: customer.id } });
    assert.equal(sold.id, ticket.id);
    assert.equal(sold.soldAt?.getTime(), now.getTime(), "DATETIME(3) keeps milliseconds");
    const logged = await db.eventLog.findFirstOrThrow({ where: { eventId: ev.id, ticketId: ticket.id } });
    assert.deepEqual([logged.id, logged.vip, logged.kind], [log.id, true, "SOLD"]);
    const hook = await db.webhookEndpoint.create({ data: { eventId: ev.id, url: "https://example.com/h", events: "event.started,event.sold_out", secret: "whsec_x" } });
    const delivery = await db.webhookDelivery.create({ data: { endpointId: hook.id, eventId: ev.id, type: "event.started", payload: "{}", nextAttemptAt: now, createdAt: now } });
    assert.deepEqual([delivery.status, delivery.attempts, hook.disabledAt], ["PENDING", 0, null]);
    assert.equal((await db.webhookEndpoint.findUniqueOrThrow({ where: { id: hook.id }, include: { deliveries: true } })).deliveries[0].id, delivery.id);
    await db.event.delete({ where: { id: ev.id } });
    assert.equal(await db.vendor.count({ where: { eventId: ev.id } }), 0, "deleting an event removes its actors");
    assert.equal(await db.webhookDelivery.count({ where: { eventId: ev.id } }), 0, "and its webhook endpoints with their deliveries");
  });
});

describe("the schema's indexes are the migrations' indexes", () => {
  it("every @@index, @@unique, @unique, @id and @@id of schema.prisma is in the migrated database under Prisma's name, with its columns, and no other index", async () => {
    const schema = await readFile(path.join(migrationsDir(), "..", "schema.prisma"), "utf8");
    const expected: string[] = [];
    const name = (model: string, cols: string[], suffix: string) => `${model}_${cols.join("_")}_${suffix}`;
    for (const [, model, body] of schema.matchAll(/^model (\w+) \{\n([\s\S]*?)^\}/gm)) {
      for (const line of body.split("\n").map((l) => l.trim())) {
        if (line.startsWith("/")) continue;
        const block = /^@@(index|unique|id)\(\[([^\]]+)\]/.exec(line);
        const field = /^(\w+)\s.*\s@(id|unique)\b/.exec(line);
        if (block) {
          const cols = block[2].split(",").map((c) => c.trim());
          const [kind, index] = block[1] === "id" ? ["unique", "PRIMARY"] : block[1] === "unique" ? ["unique", name(model, cols, "key")] : ["index", name(model, cols, "idx")];
          expected.push(`${model} ${index} ${kind} (${cols.join(", ")})`);
        } else if (field) {
          expected.push(`${model} ${field[2] === "id" ? "PRIMARY" : name(model, [field[1]], "key")} unique (${field[1]})`);
        }
      }
    }
    const [rows] = await t.sql.query(
      `SELECT TABLE_NAME AS t, INDEX_NAME AS i, MIN(NON_UNIQUE) AS nonUnique, GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX SEPARATOR ', ') AS cols
         FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME NOT LIKE '\\_%' GROUP BY TABLE_NAME, INDEX_NAME`,
    );
    const actual = (rows as { t: string; i: string; nonUnique: number | string; cols: string }[]).map((r) => `${r.t} ${r.i} ${Number(r.nonUnique) ? "index" : "unique"} (${r.cols})`);
    assert.ok(expected.includes("EventLog EventLog_eventId_run_seq_idx index (eventId, run, seq)"), "the parse found the models' indexes");
    assert.deepEqual(actual.sort(), expected.sort());
  });
});
