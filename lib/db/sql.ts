import "server-only";
import mysql from "mysql2";
import { logger } from "@/lib/platform/logger";
import { timeQuery } from "@/lib/platform/metrics";
import { singleton } from "@/lib/platform/singleton";
import { isRetryableConflict, retryConflicts } from "./conflict";
import { CAUSAL_READS } from "./session-sql";
import { closeMysqlPool, mysqlPool } from "./mysql-pool";

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

/** A hot-path transaction: raw SQL, plus inserts that say their first id, and writes sent together. */
export type HotSql = Sql & {
  /** A multi-row INSERT; `firstId` is the auto-increment id of its first row. */
  insert(query: string): Promise<{ firstId: bigint; rows: number }>;
  /**
   * Writes whose results nobody reads and that nothing later in the transaction reads back
   * (counters, closed purchases, log rows): queued, and sent in one round trip just before
   * COMMIT. Each statement is still checked by the database; one failure rolls all back.
   */
  deferred: Pick<Sql, "$executeRawUnsafe">;
};

const HOT_POOL_SIZE = 4;
/** Deferred writes go in round trips of at most this many characters (well under max_allowed_packet). */
const MAX_ROUND_TRIP = 4_000_000;

type Conn = mysql.PoolConnection;

/** One statement on a connection (the callback API: the promise wrapper captured a stack trace per query). */
function query<T>(conn: Conn, sql: string, values: unknown[] = []): Promise<T> {
  const done = timeQuery("hot");
  return new Promise((resolve, reject) =>
    conn.query(sql, values, (err, result) => {
      done();
      if (err) reject(err);
      else resolve(result as T);
    }),
  );
}

/**
 * Seconds a hot transaction may sit idle on the server before the server ends it (MariaDB's
 * `idle_transaction_timeout`; other engines ignore it). A transaction of ours is never idle
 * for long — its statements follow each other — unless its process stopped mid-way: an
 * instance a serverless platform froze, a process paused in a debugger. That transaction holds
 * the event's row lock, and with it every other instance's batches and joins, until the
 * process thaws; now the server ends it (rolled back) after this long, and the sale goes on
 * elsewhere. The frozen process finds its connection gone when it thaws, and its batch is
 * undone or, if COMMIT had been sent, settled by its batch stamp (lib/db/batch.ts).
 */
export const IDLE_TRANSACTION_S = 5;

export { CAUSAL_READS } from "./session-sql";

function pool(): mysql.Pool {
  // Only deferred writes send several statements; every value in them is escaped by the driver or literal().
  return mysqlPool("sql-pool", HOT_POOL_SIZE, { multipleStatements: true }, [`SET SESSION idle_transaction_timeout = ${IDLE_TRANSACTION_S}`, CAUSAL_READS]);
}

export function closeSql(): Promise<void> {
  return closeMysqlPool("sql-pool");
}

class Connection implements HotSql {
  private readonly later: string[] = [];

  constructor(private readonly conn: Conn) {}

  async $executeRawUnsafe(sql: string, ...values: unknown[]): Promise<number> {
    return (await query<mysql.ResultSetHeader>(this.conn, sql, values)).affectedRows ?? 0;
  }

  $queryRawUnsafe<T = unknown>(sql: string, ...values: unknown[]): Promise<T> {
    return query<T>(this.conn, sql, values);
  }

  async insert(sql: string): Promise<{ firstId: bigint; rows: number }> {
    const r = await query<mysql.ResultSetHeader>(this.conn, sql);
    return { firstId: BigInt(r.insertId), rows: r.affectedRows };
  }

  readonly deferred = {
    $executeRawUnsafe: async (sql: string, ...values: unknown[]): Promise<number> => {
      this.later.push(values.length ? mysql.format(sql, values as mysql.SqlValue[], false, "Z") : sql);
      return 0;
    },
  };

  /**
   * Sends the deferred writes (called before COMMIT). On a Galera node each goes alone: a
   * transaction that a replicated write aborts (a certification conflict, "BF abort") in the
   * middle of a multi-statement round trip is rolled back, but the server swallows the error
   * and runs the round trip's remaining statements in autocommit — each committed on its own,
   * a batch's counters and log rows without its tickets (seen on MariaDB 10.11 with galera-4;
   * tests/galera/sale.test.ts). A statement sent alone is answered with the deadlock error.
   */
  async flush(): Promise<void> {
    if (await onCluster(this.conn)) {
      for (const statement of this.later.splice(0)) await query(this.conn, statement);
      // And nothing may have ended the transaction unseen: if it has, whatever ran after is
      // committed already: it is said loudly (and not retried), never answered as a success.
      const [row] = await query<{ open: number | string }[]>(this.conn, "SELECT @@in_transaction AS open");
      if (Number(row?.open) !== 1) throw new Error("The transaction ended under statements that reported success (a Galera abort): what ran after it is committed on its own");
      return;
    }
    let group: string[] = [];
    let size = 0;
    for (const statement of this.later.splice(0)) {
      if (group.length > 0 && size + statement.length > MAX_ROUND_TRIP) {
        await query(this.conn, group.join(";\n"));
        group = [];
        size = 0;
      }
      group.push(statement);
      size += statement.length + 2;
    }
    if (group.length > 0) await query(this.conn, group.join(";\n"));
  }
}

/** Whether the database is a Galera cluster node (`wsrep_on`), asked once per process. */
async function onCluster(conn: Conn): Promise<boolean> {
  const known = singleton("wsrep-on", () => ({ value: undefined as boolean | undefined }));
  if (known.value === undefined) {
    // No such variable on MySQL; OFF on a MariaDB server that is no cluster node.
    const rows = await query<{ Value: string }[]>(conn, "SHOW VARIABLES LIKE 'wsrep_on'");
    known.value = rows[0]?.Value === "ON";
  }
  return known.value;
}

/**
 * Whether a multi-row INSERT gets consecutive auto-increment ids (first, first + 1, …): InnoDB's
 * lock modes 0 and 1 (MariaDB's default) guarantee it with a step of 1; mode 2 (MySQL 8's
 * default) or another step (multi-primary set-ups) do not, and then callers read the ids back.
 */
export async function consecutiveIds(tx: Pick<Sql, "$queryRawUnsafe">): Promise<boolean> {
  const known = singleton("autoinc-consecutive", () => ({ value: undefined as boolean | undefined }));
  if (known.value === undefined) {
    const [row] = await tx.$queryRawUnsafe<{ mode: bigint | number; step: bigint | number }[]>("SELECT @@innodb_autoinc_lock_mode AS mode, @@auto_increment_increment AS step");
    known.value = Number(row.mode) <= 1 && Number(row.step) === 1;
  }
  return known.value;
}

const ACQUIRE_MS = 10_000;

/** A connection of the hot pool; "pool timeout" (a 503) when none comes free in time, never a wait without end. */
function acquire(): Promise<Conn> {
  return new Promise((resolve, reject) => {
    let late = false;
    const timer = setTimeout(() => {
      late = true;
      reject(new Error(`pool timeout: no database connection came free in ${ACQUIRE_MS} ms`));
    }, ACQUIRE_MS);
    pool().getConnection((err, c) => {
      clearTimeout(timer);
      if (late) return void (err ? undefined : c.release());
      if (err) reject(err);
      else resolve(c);
    });
  });
}

const COMMIT_UNKNOWN = Symbol.for("ticketing.CommitUnknown");

/** Whether a value is a CommitUnknown thrown by any copy of this module. */
export function isCommitUnknown<T = unknown>(value: unknown): value is CommitUnknown<T> {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[COMMIT_UNKNOWN] === true;
}

/**
 * The COMMIT was sent but its answer never came (the connection broke, or the transaction
 * timed out waiting for it): the transaction may have committed or not, and only the
 * database can say which. `result` is what the body returned, for a caller that finds out.
 */
export class CommitUnknown<T = unknown> extends Error {
  declare readonly result: T;
  // Recognised by a brand, not by class identity: a copy of this module in another of Next's
  // bundles makes another class (lib/contracts/errors.ts says why).
  readonly [COMMIT_UNKNOWN] = true;
  static [Symbol.hasInstance](value: unknown): boolean {
    return isCommitUnknown(value);
  }

  constructor(result: T, cause: unknown) {
    super(`The database did not answer COMMIT: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = "CommitUnknown";
    // Not enumerable: a logged error must not carry a whole batch's outcome.
    Object.defineProperty(this, "result", { value: result, enumerable: false });
  }
}

/**
 * Runs `body` in one transaction on the hot pool: committed when it returns, rolled back when
 * it throws. A transaction still open after `timeoutMs` (a hung server, a lost network) is
 * cut off by closing its connection, which rolls it back on the server — unless the cut came
 * after COMMIT was sent, which throws CommitUnknown.
 */
export async function sqlTransaction<T>(body: (sql: HotSql) => Promise<T>, timeoutMs = 30_000): Promise<T> {
  // A deadlock, a Galera certification failure (both 1213, at any statement or at COMMIT) or a
  // node not ready (1047) rolled the whole transaction back: it runs again (lib/db/conflict.ts).
  return retryConflicts("hot", () => transactionOnce(body, timeoutMs));
}

async function transactionOnce<T>(body: (sql: HotSql) => Promise<T>, timeoutMs: number): Promise<T> {
  const conn = await acquire();
  let timer: NodeJS.Timeout | undefined;
  let broken = false;
  let committing: { out: T } | undefined;
  try {
    const run = async () => {
      await query(conn, "BEGIN");
      const tx = new Connection(conn);
      const out = await body(tx);
      await tx.flush();
      committing = { out };
      await query(conn, "COMMIT");
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
    // A COMMIT the server refused with a conflict was answered: nothing committed.
    if (committing && !broken && isRetryableConflict(err)) committing = undefined;
    if (committing) {
      broken = true;
      throw new CommitUnknown(committing.out, err);
    }
    if (!broken) {
      await query(conn, "ROLLBACK").catch((e: unknown) => {
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
