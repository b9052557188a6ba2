import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import mysql from "mysql2/promise";
import { isRetryableConflict } from "./conflict";
import { CAUSAL_READS, HOLDER_GONE, NODE_AND_SESSION } from "./session-sql";
import { parseDatabaseUrl } from "./url";

// Prisma's `migrate deploy` needs a native engine that cannot be downloaded everywhere, so the
// app applies prisma/migrations itself and records each in `_prisma_migrations` exactly as
// Prisma does (same table, sha256 checksum of migration.sql): Prisma, where it runs, agrees.
const HISTORY_TABLE = `CREATE TABLE IF NOT EXISTS \`_prisma_migrations\` (
    \`id\` VARCHAR(36) NOT NULL PRIMARY KEY,
    \`checksum\` VARCHAR(64) NOT NULL,
    \`finished_at\` DATETIME(3) NULL,
    \`migration_name\` VARCHAR(255) NOT NULL,
    \`logs\` TEXT NULL,
    \`rolled_back_at\` DATETIME(3) NULL,
    \`started_at\` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    \`applied_steps_count\` INTEGER UNSIGNED NOT NULL DEFAULT 0
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`;

/**
 * Several instances may boot at once, on several nodes of a Galera cluster, where a named lock
 * (GET_LOCK) is local to one node: the migration lock is a row, taken like an event's lease
 * (lib/db/lease.ts) — by a conditional UPDATE, expiring on the database's clock, renewed while
 * the migrations run, and taken at once from a holder on the same node whose session is gone
 * (a process killed mid-migration, on a single server). Not a Prisma model: it must exist before
 * the first migration. Prisma's `migrate dev` would see it as drift; `migrate deploy` ignores it.
 */
const LOCK_TABLE = `CREATE TABLE IF NOT EXISTS \`_ticketing_migration_lock\` (
    \`id\` TINYINT UNSIGNED NOT NULL PRIMARY KEY,
    \`holder\` VARCHAR(64) NULL,
    \`holderNode\` VARCHAR(200) NULL,
    \`holderSession\` BIGINT UNSIGNED NULL,
    \`expiresAt\` DATETIME(3) NULL
) ENGINE=InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`;
const LOCK_MS = 15_000;
const LOCK_RENEW_MS = 3_000;
const LOCK_WAIT_MS = 120_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A statement that another node's write of the same row may refuse at COMMIT (1213) or a node may refuse while it rejoins (1047): false then. */
async function tryWrite(conn: mysql.Connection, sql: string, values: unknown[]): Promise<number> {
  try {
    const [r] = await conn.query(sql, values);
    return (r as mysql.ResultSetHeader).affectedRows;
  } catch (err) {
    if (isRetryableConflict(err)) return 0;
    throw err;
  }
}

/** Takes the database's migration lock (waiting up to LOCK_WAIT_MS); resolves to its release. */
async function takeMigrationLock(cfg: ReturnType<typeof parseDatabaseUrl>): Promise<() => Promise<void>> {
  const conn = await mysql.createConnection({ ...cfg, timezone: "Z" });
  const holder = randomUUID();
  let lost = false;
  let renewal: NodeJS.Timeout | undefined;
  try {
    await conn.query(CAUSAL_READS);
    await conn.query(LOCK_TABLE);
    await tryWrite(conn, "INSERT IGNORE INTO _ticketing_migration_lock (id) VALUES (1)", []);
    const [[me]] = (await conn.query(NODE_AND_SESSION)) as unknown as [[{ node: string; session: number }]];
    const node = String(me.node).slice(0, 200);
    for (const until = Date.now() + LOCK_WAIT_MS; ; ) {
      const [[seen]] = (await conn.query(
        `SELECT holder, expiresAt > UTC_TIMESTAMP(3) AS live, ${HOLDER_GONE} AS gone FROM _ticketing_migration_lock WHERE id = 1`,
        [node],
      )) as unknown as [[{ holder: string | null; live: number | null; gone: number | null } | undefined]];
      const free = !seen || seen.holder === null || Number(seen.live) !== 1 || Number(seen.gone) === 1;
      if (free) {
        const took = await tryWrite(
          conn,
          "UPDATE _ticketing_migration_lock SET holder = ?, holderNode = ?, holderSession = ?, expiresAt = UTC_TIMESTAMP(3) + INTERVAL ? MICROSECOND WHERE id = 1 AND holder <=> ?",
          [holder, node, me.session, LOCK_MS * 1000, seen?.holder ?? null],
        );
        if (took === 1) break;
      }
      if (Date.now() > until) throw new Error(`Timed out after ${LOCK_WAIT_MS / 1000} s waiting for the migration lock (held by ${seen?.holder ?? "nobody"})`);
      await sleep(100 + Math.random() * 200);
    }
  } catch (err) {
    await conn.end().catch(() => undefined);
    throw err;
  }
  renewal = setInterval(() => {
    void tryWrite(conn, "UPDATE _ticketing_migration_lock SET expiresAt = UTC_TIMESTAMP(3) + INTERVAL ? MICROSECOND WHERE id = 1 AND holder = ?", [LOCK_MS * 1000, holder]).then(
      (n) => void (n === 0 && (lost = true)),
      () => undefined,
    );
  }, LOCK_RENEW_MS);
  renewal.unref();
  return async () => {
    clearInterval(renewal);
    renewal = undefined;
    await tryWrite(conn, "UPDATE _ticketing_migration_lock SET holder = NULL, holderNode = NULL, holderSession = NULL, expiresAt = NULL WHERE id = 1 AND holder = ?", [holder]).catch(() => undefined);
    await conn.end().catch(() => undefined);
    if (lost) throw new Error("The migration lock was taken by another instance while this one migrated (it could not renew it in time)");
  };
}

export type MigrateResult = { created: boolean; applied: string[] };

// Read at run time from the working directory (next.config.mjs copies the folder into the
// standalone bundle), so the bundler must not try to trace these paths itself.
export function migrationsDir(): string {
  return path.join(/*turbopackIgnore: true*/ process.cwd(), "prisma", "migrations");
}

export async function migrate(databaseUrl: string, dir = migrationsDir()): Promise<MigrateResult> {
  const cfg = parseDatabaseUrl(databaseUrl);
  const server = await mysql.createConnection({ ...cfg, database: undefined });
  let created = false;
  try {
    await refuseUnsyncedNode(server);
    const [rows] = await server.query("SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", [cfg.database]);
    if ((rows as unknown[]).length === 0) {
      await server.query(`CREATE DATABASE IF NOT EXISTS \`${cfg.database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
      created = true;
    }
  } finally {
    await server.end();
  }

  // Several app instances may boot at once: one migrates, the others wait for it.
  const release = await takeMigrationLock(cfg);
  const conn = await mysql.createConnection({ ...cfg, multipleStatements: true }).catch(async (err) => {
    await release();
    throw err;
  });
  try {
    // On a cluster, what the lock's last holder applied on another node is read here.
    await conn.query(CAUSAL_READS);
    await conn.query(HISTORY_TABLE);
    const [done] = await conn.query(
      "SELECT migration_name, checksum, finished_at FROM _prisma_migrations WHERE rolled_back_at IS NULL",
    );
    const history = new Map((done as { migration_name: string; checksum: string; finished_at: Date | null }[]).map((r) => [r.migration_name, r]));
    const names = (await readdir(/*turbopackIgnore: true*/ dir, { withFileTypes: true }))
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
    const applied: string[] = [];
    for (const name of names) {
      const sql = await readFile(path.join(/*turbopackIgnore: true*/ dir, name, "migration.sql"), "utf8");
      const checksum = createHash("sha256").update(sql).digest("hex");
      const past = history.get(name);
      if (past) {
        if (!past.finished_at) throw new Error(`Migration ${name} failed earlier; fix the database and mark it rolled back`);
        if (past.checksum !== checksum) throw new Error(`Migration ${name} was changed after it was applied`);
        continue;
      }
      const id = randomUUID();
      await conn.query("INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at) VALUES (?, ?, ?, NOW(3))", [id, checksum, name]);
      try {
        await conn.query(sql);
      } catch (err) {
        await conn.query("UPDATE _prisma_migrations SET logs = ? WHERE id = ?", [String(err), id]);
        throw new Error(`Migration ${name} failed: ${(err as Error).message}`, { cause: err });
      }
      await conn.query("UPDATE _prisma_migrations SET finished_at = NOW(3), applied_steps_count = 1 WHERE id = ?", [id]);
      applied.push(name);
    }
    return { created, applied };
  } finally {
    await conn.end().catch(() => undefined);
    await release();
  }
}

/** Thrown while the database is a Galera node that is not synced with its cluster: the app waits for it. */
export class NodeNotReady extends Error {
  constructor(readonly state: string) {
    super(`the database is a Galera node that is not ready (wsrep_ready=OFF, state ${state}): it is not synced with its cluster, or not in its primary component`);
    this.name = "NodeNotReady";
  }
}

/** A Galera node that is joining, donating or cut off answers, but refuses the app's statements (1047): say so instead. */
async function refuseUnsyncedNode(conn: mysql.Connection): Promise<void> {
  const [on] = await conn.query("SHOW VARIABLES LIKE 'wsrep_on'"); // none on MySQL; OFF on a MariaDB that is no cluster node
  if ((on as { Value: string }[])[0]?.Value !== "ON") return;
  const [rows] = await conn.query("SHOW STATUS WHERE Variable_name IN ('wsrep_ready', 'wsrep_local_state_comment')");
  const status = new Map((rows as { Variable_name: string; Value: string }[]).map((r) => [r.Variable_name, r.Value]));
  if (status.get("wsrep_ready") !== "ON") throw new NodeNotReady(status.get("wsrep_local_state_comment") ?? "unknown");
}
