import "server-only";
import { createHash } from "node:crypto";
import mysql from "mysql2";
import { env } from "@/lib/platform/env";
import { parseDatabaseUrl } from "./url";

// Leases: which instance drives a running event. A lease is a MySQL named lock (GET_LOCK) held
// by one dedicated connection of the instance. The server gives a named lock to one session
// at a time and frees it the moment that session ends — a process killed with `kill -9`
// closes its socket and loses its leases at once; a host that vanishes without closing is
// cut off by the session's short `wait_timeout` (the connection pings well inside it). Every
// pool batch is fenced by the same lock: inside its transaction, after it has locked the
// event row, it checks that the lock's holder is still this connection (IS_USED_LOCK).

/** Seconds of silence after which the server ends the lease session (and frees its locks). */
const SESSION_TIMEOUT_S = 4;
const PING_MS = 1_000;

/** The lock that is event `eventId`'s lease in this database (named locks are server-wide; at most 64 characters). */
export function leaseName(eventId: number): string {
  const database = parseDatabaseUrl(env().DATABASE_URL).database;
  const name = `ticketing:${database}:event:${eventId}`;
  return name.length <= 64 ? name : `ticketing:${createHash("sha256").update(database).digest("hex").slice(0, 32)}:event:${eventId}`;
}

export class LeaseConnection {
  private alive = true;
  private readonly ping: NodeJS.Timeout;

  private constructor(
    private readonly conn: mysql.Connection,
    /** This session's CONNECTION_ID(): what IS_USED_LOCK answers while it holds a lease. */
    readonly holder: number,
    onLost: (err: unknown) => void,
  ) {
    const lost = (err: unknown) => {
      if (!this.alive) return;
      this.alive = false;
      clearInterval(this.ping);
      conn.destroy();
      onLost(err);
    };
    conn.on("error", lost);
    conn.on("end", () => lost(new Error("lease connection ended")));
    this.ping = setInterval(() => conn.query("SELECT 1", (err) => err && lost(err)), PING_MS);
    this.ping.unref();
  }

  /** A new lease session; `onLost` is called once if it dies (every lease it held is gone then). */
  static open(onLost: (err: unknown) => void): Promise<LeaseConnection> {
    const conn = mysql.createConnection({ ...parseDatabaseUrl(env().DATABASE_URL), connectTimeout: 5_000 });
    return new Promise((resolve, reject) => {
      conn.query(`SET SESSION wait_timeout = ${SESSION_TIMEOUT_S}`, (err) => {
        if (err) return void (conn.destroy(), reject(err));
        conn.query("SELECT CONNECTION_ID() AS id", (e, rows) => {
          if (e) return void (conn.destroy(), reject(e));
          resolve(new LeaseConnection(conn, Number((rows as { id: number }[])[0].id), onLost));
        });
      });
    });
  }

  get open(): boolean {
    return this.alive;
  }

  private query<T>(sql: string, values: unknown[]): Promise<T> {
    return new Promise((resolve, reject) => this.conn.query(sql, values, (err, rows) => (err ? reject(err) : resolve(rows as T))));
  }

  /** Takes the event's lease if nobody holds it; true when this session holds it now. */
  async tryTake(eventId: number): Promise<boolean> {
    const [row] = await this.query<{ got: number | null }[]>("SELECT GET_LOCK(?, 0) AS got", [leaseName(eventId)]);
    return Number(row.got) === 1;
  }

  async release(eventId: number): Promise<void> {
    if (this.alive) await this.query("SELECT RELEASE_LOCK(?)", [leaseName(eventId)]);
  }

  close(): void {
    if (!this.alive) return;
    this.alive = false;
    clearInterval(this.ping);
    this.conn.destroy();
  }
}

/** A batch's fence: the lease it runs under. */
export type Fence = { lock: string; holder: number };

/** Inside a transaction: whether the lease is still held by the session that took it. */
export async function fenceHolds(tx: { $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T> }, fence: Fence): Promise<boolean> {
  const [row] = await tx.$queryRawUnsafe<{ holder: number | null }[]>("SELECT IS_USED_LOCK(?) AS holder", fence.lock);
  return row.holder !== null && Number(row.holder) === fence.holder;
}
