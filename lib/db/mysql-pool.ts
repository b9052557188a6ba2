import "server-only";
import mysql from "mysql2";
import { env } from "@/lib/platform/env";
import { dropSingleton, singleton } from "@/lib/platform/singleton";
import { parseDatabaseUrl } from "./url";

// The app's small mysql2 pools (pool batches and joins in sql.ts, history reads in read.ts),
// one per process each, with the same driver settings: times in UTC as Prisma writes them,
// big integers as numbers while they fit, decimals as numbers.

/** `onConnect`: statements each new connection runs first (a failing one is ignored: another engine may not know a variable). */
export function mysqlPool(key: string, connectionLimit: number, extra: mysql.PoolOptions = {}, onConnect: string[] = []): mysql.Pool {
  return singleton(key, () => {
    const pool = mysql.createPool({
      ...parseDatabaseUrl(env().DATABASE_URL),
      connectionLimit,
      timezone: "Z",
      supportBigNumbers: true,
      bigNumberStrings: false,
      decimalNumbers: true,
      connectTimeout: 5_000,
      ...extra,
    });
    // Queued on the connection before anything the pool hands it out for.
    if (onConnect.length > 0) pool.on("connection", (conn) => onConnect.forEach((statement) => conn.query(statement, () => undefined)));
    return pool;
  });
}

/** Ends a pool; waits at most 3 s (ending waits for each connection to say goodbye, and one on a dead network never would). */
export async function closeMysqlPool(key: string): Promise<void> {
  const p = dropSingleton<mysql.Pool>(key);
  if (p) await Promise.race([new Promise<void>((resolve) => p.end(() => resolve())), new Promise<void>((resolve) => setTimeout(resolve, 3_000).unref())]);
}
