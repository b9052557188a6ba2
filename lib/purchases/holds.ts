import "server-only";
import { randomBytes, timingSafeEqual } from "node:crypto";
import { AppError } from "@/lib/contracts/errors";
import type { PurchaseStatus } from "@/lib/contracts/purchase";
import { db } from "@/lib/db/client";
import type { Sql } from "@/lib/db/sql";

// The Purchase rows of checkout holds (issue 18): a hold is a real buyer's purchase that asked
// for `"mode": "hold"`; a batch serves it as HELD until holdExpiresAt, then its buyer confirms
// it (COMPLETED) or releases it (CANCELLED), or it expires (EXPIRED). Every function here runs
// inside a transaction that holds the event's row lock, so a confirm and an expiry of the same
// hold are serialised and exactly one of them changes the row.
//
// Whose hold it is: the purchase id is not a secret (it is in the public purchase list, the
// log's exports and webhook payloads), so a hold carries its own secret, `holdToken` — 24
// random bytes, returned only to the request that made the purchase (and to its retries under
// the same Idempotency-Key) and required in the body of confirm and cancel.

export type HoldRow = {
  id: bigint;
  publicId: string;
  eventId: number;
  run: number;
  buyer: string;
  vip: boolean;
  quantity: number;
  status: PurchaseStatus;
  hold: boolean;
  holdToken: string | null;
  requestedAt: Date;
  holdExpiresAt: Date | null;
  /** A simulated customer's hold (issue 18, part 3): no webhooks, and its customer's count follows its tickets. */
  simulated: boolean;
  /** The database's clock says this hold's time is up (UTC_TIMESTAMP(3) ≥ holdExpiresAt). */
  due: boolean;
};

export function newHoldToken(): string {
  return `ht_${randomBytes(24).toString("base64url")}`;
}

/** The purchase, locked, with whether its hold is due at `now` (the database's clock, databaseNow); null when there is none. Call under the event's lock. */
export async function lockedHold(tx: Sql, id: bigint, now: Date): Promise<HoldRow | null> {
  const rows = await tx.$queryRawUnsafe<(Omit<HoldRow, "due" | "vip" | "hold" | "simulated"> & { due: unknown; vip: unknown; hold: unknown; simulated: unknown })[]>(
    `SELECT id, publicId, eventId, run, buyer, vip, quantity, status, hold, holdToken, requestedAt, holdExpiresAt, source = 'SIMULATION' AS simulated,
            (holdExpiresAt IS NOT NULL AND holdExpiresAt <= ?) AS due
       FROM Purchase WHERE id = ? FOR UPDATE`,
    now,
    id,
  );
  const r = rows[0];
  return r ? { ...r, id: BigInt(r.id), vip: Boolean(Number(r.vip)), hold: Boolean(Number(r.hold)), simulated: Boolean(Number(r.simulated)), due: Boolean(Number(r.due)) } : null;
}

/** The caller proves the hold is theirs with its token (compared in constant time). */
export function requireHoldToken(row: Pick<HoldRow, "hold" | "holdToken">, token: string): void {
  const want = Buffer.from(row.holdToken ?? "");
  const got = Buffer.from(token);
  if (!row.hold || want.length === 0 || want.length !== got.length || !timingSafeEqual(want, got)) {
    throw new AppError("forbidden", "This holdToken does not match the purchase: only the buyer who made the hold (with the holdToken its answer gave) may confirm or release it");
  }
}

/** The event's holds whose time is up by the database's clock, oldest expiry first, at most `limit`, locked. */
export async function dueHolds(tx: Sql, eventId: number, run: number, limit: number): Promise<HoldRow[]> {
  const rows = await tx.$queryRawUnsafe<(Omit<HoldRow, "due" | "vip" | "hold" | "simulated"> & { vip: unknown; hold: unknown; simulated: unknown })[]>(
    `SELECT id, publicId, eventId, run, buyer, vip, quantity, status, hold, holdToken, requestedAt, holdExpiresAt, source = 'SIMULATION' AS simulated FROM Purchase
      WHERE eventId = ? AND status = 'HELD' AND holdExpiresAt <= UTC_TIMESTAMP(3) AND run = ? ORDER BY holdExpiresAt, id LIMIT ? FOR UPDATE`,
    eventId,
    run,
    limit,
  );
  return rows.map((r) => ({ ...r, id: BigInt(r.id), vip: Boolean(Number(r.vip)), hold: Boolean(Number(r.hold)), simulated: Boolean(Number(r.simulated)), due: true }));
}

/** The database's clock (UTC, like every DATETIME here): holds expire by it, whichever instance looks. */
export async function databaseNow(tx: Sql): Promise<Date> {
  const [r] = await tx.$queryRawUnsafe<{ now: Date }[]>("SELECT UTC_TIMESTAMP(3) AS now");
  return r.now instanceof Date ? r.now : new Date(`${String(r.now).replace(" ", "T")}Z`);
}

/** Holds that end without a sale: their rows say how (EXPIRED or CANCELLED) and when. */
export async function endHolds(tx: Pick<Sql, "$executeRawUnsafe">, ids: bigint[], status: "EXPIRED" | "CANCELLED", now: Date): Promise<number> {
  if (ids.length === 0) return 0;
  return tx.$executeRawUnsafe(`UPDATE Purchase SET status = ?, completedAt = ? WHERE status = 'HELD' AND id IN (${ids.map(() => "?").join(",")})`, status, now, ...ids);
}

/** A hold confirmed in time: the purchase is COMPLETED now. */
export async function completeHold(tx: Pick<Sql, "$executeRawUnsafe">, id: bigint, now: Date): Promise<void> {
  const changed = await tx.$executeRawUnsafe("UPDATE Purchase SET status = 'COMPLETED', completedAt = ? WHERE id = ? AND status = 'HELD'", now, id);
  if (changed !== 1) throw new Error(`Hold ${id} changed under the event's lock`);
}

/** The token check alone, for a hold still waiting in line (leaving the queue takes no lock on the hold). */
export async function checkHoldToken(id: bigint, token: string): Promise<void> {
  const row = await db().purchase.findUniqueOrThrow({ where: { id }, select: { hold: true, holdToken: true } });
  requireHoldToken({ hold: row.hold, holdToken: row.holdToken }, token);
}
