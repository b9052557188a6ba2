import "server-only";
import type { Sql } from "@/lib/db/sql";
import { newHoldToken } from "./holds";
import { MAX_WAIT_MS } from "./ledger";

// The Purchase rows of simulated customers' checkout holds (issue 18, part 3). A simulated
// hold carries its customer's decision from the moment it is served: `confirmAt`, or null when
// the customer abandons it (it expires like any hold). Called inside a pool batch, under the
// event's row lock (lib/pool/simulated-holds.ts decides; this writes).

const CHUNK = 500;

export type SimulatedHold = { id: bigint; quantity: number; waitMs: number; /** null: abandoned */ confirmAt: Date | null };

/** Simulated purchases this batch served as holds (rows it just created as COMPLETED, or rows that waited as QUEUED): HELD until `expiresAt`, with what each got and its decision. */
export async function holdSimulatedPurchases(tx: Pick<Sql, "$executeRawUnsafe">, holds: SimulatedHold[], expiresAt: Date): Promise<void> {
  for (let i = 0; i < holds.length; i += CHUNK) {
    const chunk = holds.slice(i, i + CHUNK);
    const params: unknown[] = [];
    const cases = (value: (h: SimulatedHold) => unknown) => chunk.map((h) => (params.push(h.id, value(h)), "WHEN ? THEN ?")).join(" ");
    const quantity = cases((h) => h.quantity);
    const wait = cases((h) => Math.min(h.waitMs, MAX_WAIT_MS));
    const token = cases(() => newHoldToken()); // the hold's CHECK wants one; nobody is ever given it
    const confirm = cases((h) => h.confirmAt);
    params.push(expiresAt, ...chunk.map((h) => h.id));
    await tx.$executeRawUnsafe(
      `UPDATE Purchase SET status = 'HELD', hold = TRUE, completedAt = NULL, quantity = CASE id ${quantity} END, waitMs = CASE id ${wait} END, holdToken = CASE id ${token} END, confirmAt = CASE id ${confirm} END, holdExpiresAt = ?
        WHERE id IN (${chunk.map(() => "?").join(",")}) AND source = 'SIMULATION'`,
      ...params,
    );
  }
}

export type DueConfirm = { id: bigint; run: number; buyer: string; vip: boolean; quantity: number };

/** The run's simulated holds whose customers confirm now by the database's clock and that have not expired, earliest first, at most `limit`, locked. */
export async function dueSimulatedConfirms(tx: Sql, eventId: number, run: number, limit: number): Promise<DueConfirm[]> {
  const rows = await tx.$queryRawUnsafe<(Omit<DueConfirm, "vip"> & { vip: unknown })[]>(
    `SELECT id, run, buyer, vip, quantity FROM Purchase
      WHERE eventId = ? AND status = 'HELD' AND confirmAt <= UTC_TIMESTAMP(3) AND run = ? AND source = 'SIMULATION' AND holdExpiresAt > UTC_TIMESTAMP(3)
      ORDER BY confirmAt, id LIMIT ${Math.floor(limit)} FOR UPDATE`,
    eventId,
    run,
  );
  return rows.map((r) => ({ ...r, id: BigInt(r.id), vip: Boolean(Number(r.vip)) }));
}

/** Simulated holds confirmed: COMPLETED now. */
export async function completeSimulatedHolds(tx: Pick<Sql, "$executeRawUnsafe">, ids: bigint[], now: Date): Promise<void> {
  if (ids.length === 0) return;
  const done = await tx.$executeRawUnsafe(`UPDATE Purchase SET status = 'COMPLETED', completedAt = ? WHERE status = 'HELD' AND id IN (${ids.map(() => "?").join(",")})`, now, ...ids);
  if (done !== ids.length) throw new Error("Simulated holds changed under the event's lock");
}
