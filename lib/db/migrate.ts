import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import mysql from "mysql2/promise";
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

  const conn = await mysql.createConnection({ ...cfg, multipleStatements: true });
  const lockName = `ticketing_migrate:${cfg.database}`;
  try {
    // Several app instances may boot at once: one migrates, the others wait for it.
    const [lock] = await conn.query("SELECT GET_LOCK(?, 120) AS ok", [lockName]);
    if ((lock as { ok: number }[])[0]?.ok !== 1) throw new Error("Timed out waiting for the migration lock");
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
    await conn.query("SELECT RELEASE_LOCK(?)", [lockName]).catch(() => undefined);
    await conn.end();
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
