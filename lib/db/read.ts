import "server-only";
import type mysql from "mysql2";
import { timeQuery } from "@/lib/platform/metrics";
import { closeMysqlPool, mysqlPool } from "./mysql-pool";
import { CAUSAL_READS } from "./sql";

// History reads — analytics aggregates, run summaries, the audit, log pages and exports — run
// on a small mysql2 pool of their own, so a long export or a heavy aggregate never holds a
// connection the pool batches or Prisma need. Exports stream: the driver reads the result set
// row by row and pauses the socket while the HTTP client is slow, so a million-row export
// holds a few hundred rows in memory, not a million.

const READ_POOL_SIZE = 4;
/** Rows the driver buffers ahead of the consumer before it pauses the socket. */
const STREAM_HIGH_WATER = 512;

type Conn = mysql.PoolConnection;

function pool(): mysql.Pool {
  return mysqlPool("read-pool", READ_POOL_SIZE, {}, [CAUSAL_READS]);
}

export function closeReads(): Promise<void> {
  return closeMysqlPool("read-pool");
}

function connection(): Promise<Conn> {
  return new Promise((resolve, reject) => pool().getConnection((err, c) => (err ? reject(err) : resolve(c))));
}

/** One read statement's rows (values bound by the driver). */
export function readRows<T>(sql: string, values: unknown[] = []): Promise<T[]> {
  const done = timeQuery("read");
  return new Promise((resolve, reject) =>
    pool().query(sql, values, (err, rows) => {
      done();
      if (err) reject(err);
      else resolve(rows as T[]);
    }),
  );
}

/**
 * A read statement's rows, one at a time, from a server-side cursor over the result set.
 * Stopping early (break, return, an aborted download) closes the connection: a half-read result
 * set cannot be handed back to the pool.
 */
export async function* streamRows<T>(sql: string, values: unknown[] = []): AsyncGenerator<T> {
  const conn = await connection();
  let finished = false;
  try {
    const rows = conn.query(sql, values).stream({ highWaterMark: STREAM_HIGH_WATER });
    for await (const row of rows) yield row as T;
    finished = true;
  } finally {
    if (finished) conn.release();
    else conn.destroy();
  }
}

export type Reader = <T>(sql: string, values?: unknown[]) => Promise<T[]>;

/**
 * Runs `body`'s reads in one read-only transaction with a consistent snapshot, so that rows a
 * running sale writes meanwhile cannot make two of its reads disagree (the audit's checks).
 */
export async function readSnapshot<T>(body: (read: Reader) => Promise<T>): Promise<T> {
  const conn = await connection();
  const run = <R>(sql: string, values: unknown[] = []) => new Promise<R[]>((resolve, reject) => conn.query(sql, values, (err, rows) => (err ? reject(err) : resolve(rows as R[]))));
  let broken = false;
  try {
    await run("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
    await run("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
    return await body(run);
  } catch (err) {
    broken = true;
    throw err;
  } finally {
    if (broken) conn.destroy();
    else {
      await run("COMMIT").catch(() => undefined);
      conn.release();
    }
  }
}
