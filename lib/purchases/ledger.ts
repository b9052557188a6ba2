import "server-only";
import { valuesList } from "@/lib/db/literal";
import { consecutiveIds, type HotSql, type Sql } from "@/lib/db/sql";
import { newPublicId } from "./ids";
import { SERVING_ORDER_SQL } from "./order";

// The Purchase rows a pool batch reads and writes, inside the batch's transaction (the event
// row is locked by the caller). With join, cancel and read beside it, this folder is the only
// code that writes Purchase rows.

/** A real buyer's purchase waiting in the queue (from the API or the buyer page). */
export type QueuedPurchase = { id: bigint; publicId: string; buyer: string; vip: boolean; quantity: number; requestedAt: Date; /** Asked for a checkout hold: served as HELD, not sold. */ hold: boolean };

export type Outcome = "QUEUED" | "COMPLETED" | "SOLD_OUT";

const CHUNK = 500;
/** The largest wait the waitMs column (INT) holds. */
export const MAX_WAIT_MS = 2_147_483_647;

/** Real buyers' purchases still waiting, in serving order (the first 1,000 are plenty for one batch). */
export async function queuedPurchases(tx: Sql, eventId: number, run: number): Promise<QueuedPurchase[]> {
  const rows = await tx.$queryRawUnsafe<QueuedPurchase[]>(
    `SELECT id, publicId, buyer, vip, quantity, requestedAt, hold FROM Purchase WHERE eventId = ? AND run = ? AND status = 'QUEUED' AND source <> 'SIMULATION' ORDER BY ${SERVING_ORDER_SQL} LIMIT 1000`,
    eventId,
    run,
  );
  return rows.map((r) => ({ ...r, id: BigInt(r.id), vip: Boolean(r.vip), hold: Boolean(Number(r.hold)) }));
}

export type SimulatedPurchase = { customerId: number; buyer: string; vip: boolean; quantity: number; requestedAt: Date; status: Outcome };

/** Writes the purchase rows of simulated customers' requests; returns their ids in the same order. */
export async function recordSimulatedPurchases(tx: HotSql, eventId: number, run: number, rows: SimulatedPurchase[], now: Date): Promise<bigint[]> {
  if (rows.length === 0) return [];
  const consecutive = await consecutiveIds(tx);
  const ids: bigint[] = [];
  let firstId: bigint | null = null;
  const publicIds: string[] = [];
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    const values = valuesList(
      chunk.map((r) => {
        const publicId = newPublicId();
        publicIds.push(publicId);
        const done = r.status !== "QUEUED";
        return [publicId, eventId, run, r.customerId, r.buyer, r.vip ? 1 : 0, r.quantity, "SIMULATION", r.status, r.requestedAt, done ? now : null, r.status === "COMPLETED" ? Math.min(now.getTime() - r.requestedAt.getTime(), MAX_WAIT_MS) : null];
      }),
    );
    const inserted = await tx.insert(`INSERT INTO Purchase (publicId, eventId, run, customerId, buyer, vip, quantity, source, status, requestedAt, completedAt, waitMs) VALUES ${values}`);
    firstId ??= inserted.firstId;
    if (consecutive) for (let k = 0; k < chunk.length; k++) ids.push(inserted.firstId + BigInt(k));
  }
  if (consecutive) return ids;
  // Auto-increment ids only grow and the caller holds the event's lock, so this event's
  // simulated rows from firstId on are exactly the ones just inserted.
  const found = await tx.$queryRawUnsafe<{ id: bigint; publicId: string }[]>("SELECT id, publicId FROM Purchase WHERE eventId = ? AND source = 'SIMULATION' AND id >= ?", eventId, firstId);
  const byPublic = new Map(found.map((r) => [r.publicId, BigInt(r.id)]));
  return publicIds.map((p) => {
    const id = byPublic.get(p);
    if (id === undefined) throw new Error("A purchase row just inserted was not found");
    return id;
  });
}

/** Closes purchases this batch served or refused, recording how long each waited. */
export async function finishPurchases(tx: Pick<Sql, "$executeRawUnsafe">, done: { id: bigint; status: "COMPLETED" | "SOLD_OUT"; waitMs: number }[], now: Date): Promise<void> {
  for (let i = 0; i < done.length; i += CHUNK) {
    const chunk = done.slice(i, i + CHUNK);
    const params: unknown[] = [];
    const status = chunk.map((d) => (params.push(d.id, d.status), "WHEN ? THEN ?")).join(" ");
    // waitMs is an INT: a wait past 24.8 days is recorded as the longest it can hold, never an overflow that would roll every batch back.
    const wait = chunk.map((d) => (params.push(d.id, d.status === "COMPLETED" ? Math.min(d.waitMs, MAX_WAIT_MS) : null), "WHEN ? THEN ?")).join(" ");
    params.push(now, ...chunk.map((d) => d.id));
    await tx.$executeRawUnsafe(
      `UPDATE Purchase SET status = CASE id ${status} END, waitMs = CASE id ${wait} END, completedAt = ? WHERE id IN (${chunk.map(() => "?").join(",")}) AND status = 'QUEUED'`,
      ...params,
    );
  }
}

/** Holds this batch served: HELD until `expiresAt` (the batch's time on the database's clock plus the event's holdSeconds). */
export async function holdPurchases(tx: Pick<Sql, "$executeRawUnsafe">, held: { id: bigint; waitMs: number }[], expiresAt: Date): Promise<void> {
  for (let i = 0; i < held.length; i += CHUNK) {
    const chunk = held.slice(i, i + CHUNK);
    const params: unknown[] = [];
    const wait = chunk.map((d) => (params.push(d.id, Math.min(d.waitMs, MAX_WAIT_MS)), "WHEN ? THEN ?")).join(" ");
    params.push(expiresAt, ...chunk.map((d) => d.id));
    await tx.$executeRawUnsafe(`UPDATE Purchase SET status = 'HELD', waitMs = CASE id ${wait} END, holdExpiresAt = ? WHERE id IN (${chunk.map(() => "?").join(",")}) AND status = 'QUEUED'`, ...params);
  }
}

/** Sold out: everyone still in line, however far back, is answered now. */
export async function answerQueueSoldOut(tx: Pick<Sql, "$executeRawUnsafe">, eventId: number, run: number, now: Date): Promise<void> {
  await tx.$executeRawUnsafe("UPDATE Purchase SET status = 'SOLD_OUT', completedAt = ? WHERE eventId = ? AND run = ? AND status = 'QUEUED'", now, eventId, run);
}

/** Closes queued purchases (a stopped simulation, a reset run, a removed or paused customer, a restart). */
export async function cancelQueuedPurchases(tx: Pick<Sql, "$executeRawUnsafe">, where: { eventId: number; run: number; simulatedOnly: boolean } | { customerId: number }): Promise<void> {
  if ("customerId" in where) {
    await tx.$executeRawUnsafe("UPDATE Purchase SET status = 'CANCELLED', completedAt = ? WHERE customerId = ? AND status = 'QUEUED'", new Date(), where.customerId);
  } else {
    await tx.$executeRawUnsafe(
      `UPDATE Purchase SET status = 'CANCELLED', completedAt = ? WHERE eventId = ? AND run = ? AND status = 'QUEUED'${where.simulatedOnly ? " AND source = 'SIMULATION'" : ""}`,
      new Date(),
      where.eventId,
      where.run,
    );
  }
}
