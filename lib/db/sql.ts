import "server-only";
import mysql from "mysql2/promise";
import { env } from "@/lib/platform/env";
import { logger } from "@/lib/platform/logger";
import { dropSingleton, singleton } from "@/lib/platform/singleton";
import { parseDatabaseUrl } from "./url";

// The hot path's transactions — pool batches and queue joins, a few hundred a second under a
// rush — run on a small mysql2 pool of their own, with the same raw SQL they would send
// through Prisma: Prisma's per-query work (its query interpreter, a promise chain per
// statement) was a fifth of the server's CPU at 1,300 purchases/s. Everything else stays on
// Prisma. Values are bound by the driver (text protocol), times in UTC as Prisma writes them.

/** What a transaction body may send: raw SQL only. A Prisma transaction client is one too. */
export type Sql = {
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
};

const HOT_POOL_SIZE = 4;

function pool(): mysql.Pool {
  return singleton("sql-pool", () => {
    const cfg = parseDatabaseUrl(env().DATABASE_URL);
    return mysql.createPool({
      ...cfg,
      connectionLimit: HOT_POOL_SIZE,
      timezone: "Z",
      dateStrings: false,
      supportBigNumbers: true,
      bigNumberStrings: false,
      decimalNumbers: true,
      connectTimeout: 5_000,
    });
  });
}

export async function closeSql(): Promise<void> {
  await dropSingleton<mysql.Pool>("sql-pool")?.end();
}

class Connection implements Sql {
  constructor(private readonly conn: mysql.PoolConnection) {}

  async $executeRawUnsafe(sql: string, ...values: unknown[]): Promise<number> {
    const [result] = await this.conn.query(sql, values);
    return (result as mysql.ResultSetHeader).affectedRows ?? 0;
  }

  async $queryRawUnsafe<T = unknown>(sql: string, ...values: unknown[]): Promise<T> {
    const [rows] = await this.conn.query(sql, values);
    return rows as T;
  }
}

/**
 * Runs `body` in one transaction on the hot pool: committed when it returns, rolled back when
 * it throws. A transaction still open after `timeoutMs` (a hung server, a lost network) is
 * cut off by closing its connection, which rolls it back on the server.
 */
export async function sqlTransaction<T>(body: (sql: Sql) => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const conn = await pool().getConnection();
  let timer: NodeJS.Timeout | undefined;
  let broken = false;
  try {
    const run = async () => {
      await conn.query("BEGIN");
      const out = await body(new Connection(conn));
      await conn.query("COMMIT");
      return out;
    };
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        broken = true;
        conn.destroy();
        reject(new Error(`Transaction timed out after ${timeoutMs} ms (connection closed)`));
      }, timeoutMs);
    });
    return await Promise.race([run(), expired]);
  } catch (err) {
    if (!broken) {
      await conn.query("ROLLBACK").catch((e: unknown) => {
        broken = true;
        logger().warn({ err: e }, "rollback failed; dropping the connection");
      });
    }
    throw err;
  } finally {
    clearTimeout(timer);
    if (broken) conn.destroy();
    else conn.release();
  }
}
