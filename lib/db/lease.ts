import "server-only";
import { randomBytes } from "node:crypto";
import mysql from "mysql2";
import { env } from "@/lib/platform/env";
import { retryConflicts } from "./conflict";
import { CAUSAL_READS, HOLDER_GONE, NODE_AND_SESSION } from "./session-sql";
import { parseDatabaseUrl } from "./url";

// Leases: which instance drives a running event. A lease is a row of EventLease (issue 17),
// so that it works on any MySQL-compatible engine — a named lock (GET_LOCK) is local to one
// node of a Galera cluster, where two instances on two nodes could both "hold" it.
// - Taken by a conditional UPDATE: when nobody holds it, or its holder let it expire. Every
//   take bumps `epoch`, a fencing token that only grows.
// - Renewed every RENEW_MS by an UPDATE that names (holder, epoch); one that touches no row
//   means another instance took the lease: that event is lost here.
// - Expiry is the database's clock (UTC_TIMESTAMP(3)), never this process's.
// - Every pool batch is fenced: inside its transaction, after it has locked the event row, it
//   updates the lease row WHERE holder and epoch are still its own (fenceHolds). A batch of a
//   stale driver — frozen, cut off, outlived by its lease — touches no row and commits nothing;
//   on Galera, its write of the lease row also conflicts with the takeover's write of the same
//   row, and certification refuses whichever came second.
// A process killed with `kill -9` stops renewing: its leases expire within LEASE_MS, and the
// watchers of the other instances take the events over (a clean shutdown gives them back at
// once). Faster where it can be: the lease names its holder's database node and session, and an
// instance on the same node (every instance, on a single server) takes it at once when that
// session is gone — the server ends a killed process's sessions when their sockets close.

/** How long a lease lasts without renewal. */
export const LEASE_MS = 2_500;
const RENEW_MS = 500;

/** A batch's fence: the lease it runs under. */
export type Fence = { eventId: number; holder: string; epoch: bigint };

export class LeaseConnection {
  private alive = true;
  private readonly renewal: NodeJS.Timeout;
  /** The epoch of every lease this session holds. */
  private readonly held = new Map<number, bigint>();
  private renewing = false;
  /** When every held lease was last renewed (this process's clock: only to notice a database gone silent). */
  private renewedAt = Date.now();

  private constructor(
    private readonly conn: mysql.Connection,
    /** This process's holder name: the instance and a random part, unique to this incarnation. */
    readonly holder: string,
    /** The database node this connection is on, and its session there (see migration 20261203155000_event_lease). */
    private readonly node: string,
    private readonly session: number,
    private readonly onLost: (err: unknown) => void,
    private readonly onLeaseLost: (eventId: number) => void,
  ) {
    conn.on("error", (err) => this.lost(err));
    conn.on("end", () => this.lost(new Error("lease connection ended")));
    this.renewal = setInterval(() => void this.renew(), RENEW_MS);
    this.renewal.unref();
  }

  private lost(err: unknown): void {
    if (!this.alive) return;
    this.alive = false;
    clearInterval(this.renewal);
    this.conn.destroy();
    this.held.clear();
    this.onLost(err);
  }

  /**
   * A lease session for `instance`; `onLost` is called once if the session dies or cannot renew
   * in time (every lease it held is then to be treated as gone), `onLeaseLost` when one lease
   * was taken by another instance.
   */
  static open(instance: string, onLost: (err: unknown) => void, onLeaseLost: (eventId: number) => void = () => undefined): Promise<LeaseConnection> {
    const conn = mysql.createConnection({ ...parseDatabaseUrl(env().DATABASE_URL), connectTimeout: 5_000, timezone: "Z" });
    const holder = `${instance.slice(0, 180)}#${randomBytes(6).toString("hex")}`;
    return new Promise((resolve, reject) => {
      conn.query(CAUSAL_READS, () => undefined); // refused by no engine; see session-sql.ts
      conn.query(NODE_AND_SESSION, (err, rows) => {
        if (err) return void (conn.destroy(), reject(err));
        const [row] = rows as { node: string; session: number }[];
        resolve(new LeaseConnection(conn, holder, String(row.node).slice(0, 200), Number(row.session), onLost, onLeaseLost));
      });
    });
  }

  get open(): boolean {
    return this.alive;
  }

  private query<T>(sql: string, values: unknown[]): Promise<T> {
    return new Promise((resolve, reject) => this.conn.query(sql, values, (err, rows) => (err ? reject(err) : resolve(rows as T))));
  }

  /** A statement run again on a certification conflict (two nodes taking the same lease at once). */
  private write(sql: string, values: unknown[]): Promise<mysql.ResultSetHeader> {
    return retryConflicts("lease", () => this.query<mysql.ResultSetHeader>(sql, values));
  }

  /** Takes the event's lease if nobody holds it (or its holder let it expire); true when this session holds it now. */
  async tryTake(eventId: number): Promise<boolean> {
    // Taken again even when held here: a new epoch, so that whatever still runs under the old one
    // (a runtime winding down, a letGo of it in flight) is fenced off and cannot give this one back.
    // A plain read first: an instance that only watches a lease held by another writes nothing.
    const [seen] = await this.query<{ holder: string | null; live: number | null; epoch: bigint | number | string; gone: number | null }[]>(
      // gone: the holder's lease session was on this node and has ended (its process was killed).
      `SELECT holder, epoch, expiresAt > UTC_TIMESTAMP(3) AS live, ${HOLDER_GONE} AS gone FROM EventLease WHERE eventId = ?`,
      [this.node, eventId],
    );
    const mine = { set: "holder = ?, holderNode = ?, holderSession = ?, epoch = epoch + 1, expiresAt = UTC_TIMESTAMP(3) + INTERVAL ? MICROSECOND", values: [this.holder, this.node, this.session, LEASE_MS * 1000] };
    let took: mysql.ResultSetHeader;
    if (seen && seen.holder !== null && seen.holder !== this.holder && Number(seen.live) === 1) {
      if (Number(seen.gone) !== 1) return false;
      // Its holder's session is gone: taken from that holder at that epoch (nobody else took it meanwhile).
      took = await this.write(`UPDATE EventLease SET ${mine.set} WHERE eventId = ? AND holder = ? AND epoch = ?`, [...mine.values, eventId, seen.holder, seen.epoch]);
    } else {
      await this.write("INSERT IGNORE INTO EventLease (eventId) SELECT id FROM Event WHERE id = ?", [eventId]);
      took = await this.write(`UPDATE EventLease SET ${mine.set} WHERE eventId = ? AND (holder IS NULL OR holder = ? OR expiresAt IS NULL OR expiresAt < UTC_TIMESTAMP(3))`, [...mine.values, eventId, this.holder]);
    }
    if (took.affectedRows !== 1) return false;
    const [row] = await this.query<{ epoch: bigint | number | string }[]>("SELECT epoch FROM EventLease WHERE eventId = ? AND holder = ?", [eventId, this.holder]);
    if (!row) return false;
    this.held.set(eventId, BigInt(row.epoch));
    return true;
  }

  /** The fence of a lease this session holds. */
  fence(eventId: number): Fence | undefined {
    const epoch = this.held.get(eventId);
    return epoch === undefined ? undefined : { eventId, holder: this.holder, epoch };
  }

  /** Gives the lease back — only the one of `epoch` when given (a newer take here stays). */
  async release(eventId: number, only?: bigint): Promise<void> {
    const epoch = this.held.get(eventId);
    if (only !== undefined && epoch !== only) return;
    this.held.delete(eventId);
    if (this.alive && epoch !== undefined) await this.write("UPDATE EventLease SET holder = NULL, expiresAt = NULL WHERE eventId = ? AND holder = ? AND epoch = ?", [eventId, this.holder, epoch]);
  }

  /** Renews every lease held here; a lease another instance took is lost, and a database silent for longer than a lease loses them all. */
  private async renew(): Promise<void> {
    if (!this.alive) return;
    if (this.renewing) {
      // A renewal that hangs (a frozen or cut-off database node) loses every lease once they may have expired.
      if (Date.now() - this.renewedAt >= LEASE_MS) this.lost(new Error(`no lease renewal answered for ${Date.now() - this.renewedAt} ms`));
      return;
    }
    this.renewing = true;
    try {
      if (this.held.size === 0) await this.query("SELECT 1", []);
      for (const [eventId, epoch] of [...this.held]) {
        const r = await this.write("UPDATE EventLease SET expiresAt = UTC_TIMESTAMP(3) + INTERVAL ? MICROSECOND WHERE eventId = ? AND holder = ? AND epoch = ?", [LEASE_MS * 1000, eventId, this.holder, epoch]);
        if (r.affectedRows === 0 && this.held.get(eventId) === epoch) {
          this.held.delete(eventId);
          this.onLeaseLost(eventId);
        }
      }
      this.renewedAt = Date.now();
    } catch (err) {
      // Not renewed: once a lease's worth of time has gone by without one, others may hold them.
      if (Date.now() - this.renewedAt >= LEASE_MS) this.lost(err);
    } finally {
      this.renewing = false;
    }
  }

  close(): void {
    if (!this.alive) return;
    this.alive = false;
    clearInterval(this.renewal);
    this.held.clear();
    this.conn.destroy();
  }
}

/**
 * Inside a batch's transaction, with the event row locked: whether the lease is still the
 * fence's (holder and epoch). It writes the lease row when it is, so that on a cluster the
 * batch conflicts with any takeover committed meanwhile on another node.
 */
export async function fenceHolds(tx: { $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number> }, fence: Fence): Promise<boolean> {
  const n = await tx.$executeRawUnsafe("UPDATE EventLease SET fenced = fenced + 1 WHERE eventId = ? AND holder = ? AND epoch = ?", fence.eventId, fence.holder, fence.epoch);
  return n === 1;
}
