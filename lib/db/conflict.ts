// Conflicts a transaction may simply run again (issue 17). On one server, InnoDB's deadlock
// detector picks a victim (1213). On a Galera cluster, a transaction that wrote a row another
// node changed first fails certification at COMMIT with the same 1213, and a node that is not
// (yet) part of the primary component refuses statements with 1047 "WSREP has not yet prepared
// node for application use". Neither committed anything: the whole transaction is run again,
// after a short random backoff, as a new transaction. A COMMIT that got no answer at all is a
// different case (lib/db/sql.ts CommitUnknown): it may have committed, and is never retried blind.
// A lock wait timeout (1205) is retried too: our transaction is rolled back whole before it runs
// again (on a cluster it comes from a node whose commits stalled while a peer was frozen).

import { metrics } from "@/lib/platform/metrics";

type SqlError = { errno?: number; code?: string; sqlState?: string; cause?: unknown; message?: string };

/** Whether `err` (a mysql2 or mariadb driver error, or a Prisma error wrapping one) is a conflict that rolled the transaction back whole. */
export function isRetryableConflict(err: unknown): boolean {
  for (let e = err as SqlError | undefined, depth = 0; e && depth < 5; e = e.cause as SqlError | undefined, depth++) {
    if (e.errno === 1213 || e.errno === 1047 || e.errno === 1205 || e.sqlState === "40001" || e.code === "ER_LOCK_DEADLOCK" || e.code === "P2034") return true;
    // Prisma's driver adapter errors carry the database's code in their message or kind.
    const text = typeof e.message === "string" ? e.message : "";
    if (/\b(1213|1047|1205)\b|Deadlock found|WSREP has not yet prepared node|Lock wait timeout exceeded/.test(text)) return true;
    const kind = (e as { kind?: string; originalCode?: string }).originalCode;
    if (kind === "1213" || kind === "1047" || kind === "1205") return true;
  }
  return false;
}

const ATTEMPTS = 8;

/** Runs `tx` (one whole transaction) again on a retryable conflict, up to 8 times, with jittered backoff (5 ms … ~640 ms). */
export async function retryConflicts<T>(what: string, tx: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await tx();
    } catch (err) {
      if (attempt >= ATTEMPTS || !isRetryableConflict(err)) throw err;
      metrics().conflictRetries.inc({ what });
      const cap = 5 * 2 ** attempt;
      await new Promise((r) => setTimeout(r, cap / 2 + Math.random() * cap / 2));
    }
  }
}
