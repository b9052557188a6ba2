import "server-only";
import type { ActorKind, ActorState } from "@/lib/contracts/event";
import type { Sql } from "@/lib/db/sql";

// Vendor and customer rows as a pool batch sees them: who was removed since asking, and each
// actor's running count (released / bought) and state. One code path for both kinds.

const TABLE = { vendor: { table: "Vendor", count: "released" }, customer: { table: "Customer", count: "bought" } } as const;

/** Of these actors, the ones removed or paused (through any instance) since they asked: a batch gives them nothing. */
export async function inactiveAmong(tx: Sql, kind: ActorKind, ids: number[]): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const rows = await tx.$queryRawUnsafe<{ id: number }[]>(
    `SELECT id FROM ${TABLE[kind].table} WHERE id IN (${ids.map(() => "?").join(",")}) AND (removedAt IS NOT NULL OR paused)`,
    ...ids,
  );
  return new Set(rows.map((r) => Number(r.id)));
}

/** Adds each actor's tickets of this batch to its count and records its state. */
export async function bumpActors(tx: Pick<Sql, "$executeRawUnsafe">, kind: ActorKind, actors: { id: number; count: number; state: ActorState }[]): Promise<void> {
  if (actors.length === 0) return;
  const { table, count: column } = TABLE[kind];
  const params: unknown[] = [];
  const count = actors.map((a) => (params.push(a.id, a.count), "WHEN ? THEN ?")).join(" ");
  const state = actors.map((a) => (params.push(a.id, a.state), "WHEN ? THEN ?")).join(" ");
  params.push(...actors.map((a) => a.id));
  await tx.$executeRawUnsafe(
    `UPDATE ${table} SET ${column} = ${column} + CASE id ${count} ELSE 0 END, state = CASE id ${state} ELSE state END WHERE id IN (${actors.map(() => "?").join(",")}) AND removedAt IS NULL AND NOT paused`,
    ...params,
  );
}

/** Sold out: every actor of the event is done. */
export async function markActorsDone(tx: Pick<Sql, "$executeRawUnsafe">, eventId: number): Promise<void> {
  for (const { table } of Object.values(TABLE)) {
    await tx.$executeRawUnsafe(`UPDATE ${table} SET state = 'DONE' WHERE eventId = ? AND removedAt IS NULL`, eventId);
  }
}

/** Tickets of these holds going back to the pool leave their simulated customers' counts (a customer's count is the tickets it holds or bought). Call before the tickets lose their buyer. */
export async function uncountReturned(tx: Pick<Sql, "$executeRawUnsafe">, purchaseIds: bigint[]): Promise<void> {
  if (purchaseIds.length === 0) return;
  await tx.$executeRawUnsafe(
    `UPDATE Customer c JOIN (SELECT customerId, COUNT(*) AS n FROM Ticket WHERE purchaseId IN (${purchaseIds.map(() => "?").join(",")}) AND soldAt IS NULL AND customerId IS NOT NULL GROUP BY customerId) r ON r.customerId = c.id
        SET c.bought = c.bought - r.n`,
    ...purchaseIds,
  );
}
