import type { ReleaseDemand } from "./demands";
import type { Place } from "./line";
import type { Plan } from "./plan";
import type { Buyer, Sale } from "./tickets";

// Which ticket each move of a batch moves. Sales take the pool's tickets first (the oldest
// unsold, by id), then the batch's own new tickets in the order they are released, so a run's
// unsold tickets are always its newest and every move is a run of consecutive tickets of the
// event. Pure: the ids of new tickets are known only once inserted, so moves name them by
// their place among the batch's new tickets.

export type MoveTickets = { pool: bigint[]; newFrom: number; newCount: number };

export type Allocation = {
  /** The vendor of each new ticket, in release order. */
  vendorIds: number[];
  /** The buyer of each new ticket that is sold in this batch (the first ones). */
  soldNew: Buyer[];
  /** Sales of tickets already in the pool, to mark sold. */
  poolSales: Sale[];
  /** Each move's tickets, in the plan's order. */
  moves: MoveTickets[];
};

export function allocate(plan: Plan, releases: ReleaseDemand[], places: Place[], pool: bigint[], purchaseOf: (pl: Place) => bigint): Allocation {
  const vendorIds: number[] = [];
  const soldNew: Buyer[] = [];
  const poolSales: Sale[] = [];
  const moves: MoveTickets[] = [];
  let nextPool = 0;
  for (const move of plan.moves) {
    if (move.kind === "release") {
      moves.push({ pool: [], newFrom: vendorIds.length, newCount: move.count });
      for (let k = 0; k < move.count; k++) vendorIds.push(releases[move.index].vendorId);
      continue;
    }
    const pl = places[move.index];
    const buyer: Buyer = { customerId: pl.customerId, name: pl.name, purchaseId: purchaseOf(pl), ...(pl.hold ? { held: true } : {}) };
    const fromPool = pool.slice(nextPool, nextPool + move.count);
    nextPool += fromPool.length;
    if (fromPool.length > 0) poolSales.push({ ...buyer, ids: fromPool });
    const newCount = move.count - fromPool.length;
    moves.push({ pool: fromPool, newFrom: soldNew.length, newCount });
    for (let k = 0; k < newCount; k++) soldNew.push(buyer);
  }
  return { vendorIds, soldNew, poolSales, moves };
}

/** A move's ticket ids, once the batch's new tickets have their ids. */
export function idsOf(m: MoveTickets, newIds: bigint[]): bigint[] {
  return m.newCount === 0 ? m.pool : [...m.pool, ...newIds.slice(m.newFrom, m.newFrom + m.newCount)];
}
