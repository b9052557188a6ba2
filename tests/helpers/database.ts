import { randomBytes } from "node:crypto";
import mysql from "mysql2/promise";
import { migrate } from "../../lib/db/migrate";

// Every test file gets its own database on the local server, created and migrated here and
// dropped afterwards. Refuses anything but a local server, like dub's Playwright setup.
const SERVER = process.env.TEST_DATABASE_SERVER ?? "mysql://root@127.0.0.1:3306";

export type TestDatabase = { url: string; name: string; sql: mysql.Connection; drop: () => Promise<void> };

export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const server = new URL(SERVER);
  // A Galera cluster the tests started on this machine (tests/helpers/galera.ts) lives on a bridge of its own, and says so.
  const clusterHere = process.env.TEST_DATABASE_CLUSTER_HERE === "1" && /^10\.\d+\.\d+\.\d+$/.test(server.hostname);
  if (!clusterHere && !["127.0.0.1", "localhost", "::1", "[::1]"].includes(server.hostname)) {
    throw new Error(`Tests only run against a local database server, not ${server.hostname}`);
  }
  const name = `ticketing_test_${label}_${randomBytes(4).toString("hex")}`;
  const url = `${SERVER.replace(/\/$/, "")}/${name}`;
  await migrate(url);
  const sql = await mysql.createConnection({ uri: url, supportBigNumbers: true, bigNumberStrings: false });
  return {
    url,
    name,
    sql,
    drop: async () => {
      await sql.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await sql.end();
    },
  };
}

/** Point this process's app modules at the database; call before importing anything from lib/. */
export function useDatabase(url: string): void {
  process.env.DATABASE_URL = url;
  process.env.ENGINE_TICK_MS ??= "50";
}

/** A derived table of the numbers 0 … 49,999 as `n`, for filling a table with many rows in one INSERT … SELECT. */
export const NUMBERS_50K = `(SELECT a.i * 10000 + b.i * 1000 + c.i * 100 + d.i * 10 + e.i AS n FROM
  (SELECT 0 i UNION SELECT 1 UNION SELECT 2 UNION SELECT 3 UNION SELECT 4) a,
  (SELECT 0 i UNION SELECT 1 UNION SELECT 2 UNION SELECT 3 UNION SELECT 4 UNION SELECT 5 UNION SELECT 6 UNION SELECT 7 UNION SELECT 8 UNION SELECT 9) b, (SELECT 0 i UNION SELECT 1 UNION SELECT 2 UNION SELECT 3 UNION SELECT 4 UNION SELECT 5 UNION SELECT 6 UNION SELECT 7 UNION SELECT 8 UNION SELECT 9) c, (SELECT 0 i UNION SELECT 1 UNION SELECT 2 UNION SELECT 3 UNION SELECT 4 UNION SELECT 5 UNION SELECT 6 UNION SELECT 7 UNION SELECT 8 UNION SELECT 9) d, (SELECT 0 i UNION SELECT 1 UNION SELECT 2 UNION SELECT 3 UNION SELECT 4 UNION SELECT 5 UNION SELECT 6 UNION SELECT 7 UNION SELECT 8 UNION SELECT 9) e) numbers`;
