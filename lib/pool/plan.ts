// Pure settlement arithmetic for one batch of pool work: which vendor releases how many
// tickets and which waiting customer gets how many, in what order, so that the pool never
// holds more than its capacity and releases never pass the total (DESIGN §4). The store
// replays these moves inside one database transaction.
import { isSoldOut } from "@/lib/contracts/event";

export type PoolNumbers = {
  totalTickets: number;
  maxTicketCapacity: number;
  released: number;
  sold: number;
  available: number;
  /** Tickets held by checkout holds: out of the pool's stock, still in its space (0 when omitted). */
  held?: number;
};

/**
 * A vendor asking to release, or a buyer asking to buy, `want` tickets. A real buyer's
 * purchase is all or nothing: it waits at its place in line until the pool holds all it
 * asks for (and nobody behind it is served meanwhile); simulated customers take what there is.
 */
export type Demand = { want: number; allOrNothing?: boolean; hold?: boolean };

export type Move = { kind: "release" | "sell"; index: number; count: number };

export type Plan = {
  moves: Move[];
  released: number[];
  bought: number[];
  after: PoolNumbers & { held: number };
  /** The pool was full while some vendor still had tickets to release. */
  full: boolean;
  /** released = totalTickets: vendors have nothing left to release. */
  exhausted: boolean;
  /** Every ticket is sold: released = totalTickets, available = 0 and nothing held. */
  soldOut: boolean;
  /** The batch hit its size limit with work left: the rest goes in the next batch. */
  truncated: boolean;
  /** All-or-nothing buyers who can never be served: every ticket is released and too few are left. */
  unfillable: boolean[];
};

/**
 * Alternates releasing into free space and selling to the queue (already in serving order)
 * until neither can progress, so that one batch both refills the pool and drains it.
 */
export function planSettlement(pool: PoolNumbers, releases: Demand[], buyers: Demand[], limit = Infinity): Plan {
  const p = { ...pool, held: pool.held ?? 0 };
  let budget = limit;
  let hitLimit = false;
  const released = releases.map(() => 0);
  const bought = buyers.map(() => 0);
  const unfillable = buyers.map(() => false);
  const moves: Move[] = [];
  let progress = true;
  while (progress) {
    progress = false;
    // Releases never take the whole batch while buyers wait: each round keeps half of what is
    // left for selling, so fast vendors cannot starve the queue however small the limit.
    const buyersWait = buyers.some((b, i) => !unfillable[i] && b.want > bought[i]);
    let releaseBudget = buyersWait && budget !== Infinity ? Math.min(budget, Math.max(1, Math.floor(budget / 2))) : budget;
    for (let i = 0; i < releases.length; i++) {
      // Held tickets keep their place in the pool until confirmed or returned.
      const fits = Math.min(releases[i].want - released[i], p.maxTicketCapacity - p.available - p.held, p.totalTickets - p.released);
      if (fits > releaseBudget) hitLimit = true;
      const n = Math.min(fits, releaseBudget);
      if (n <= 0) continue;
      released[i] += n;
      budget -= n;
      releaseBudget -= n;
      p.released += n;
      p.available += n;
      moves.push({ kind: "release", index: i, count: n });
      progress = true;
    }
    for (let i = 0; i < buyers.length && p.available > 0; i++) {
      const remaining = buyers[i].want - bought[i];
      if (remaining <= 0 || unfillable[i]) continue;
      if (buyers[i].allOrNothing && p.available < remaining) {
        // Held tickets may still return: only what can never come back makes a purchase unfillable.
        if (p.released >= p.totalTickets && p.available + p.held < remaining) {
          unfillable[i] = true;
          continue;
        }
        break; // its place in line holds: nobody behind it is served before it
      }
      const fits = Math.min(remaining, p.available);
      if (fits > budget) hitLimit = true;
      if (fits > budget && buyers[i].allOrNothing) break;
      const n = Math.min(fits, budget);
      if (n <= 0) break;
      bought[i] += n;
      budget -= n;
      if (buyers[i].hold) p.held += n;
      else p.sold += n;
      p.available -= n;
      moves.push({ kind: "sell", index: i, count: n });
      progress = true;
    }
  }
  const exhausted = p.released >= p.totalTickets;
  const full = p.available + p.held >= p.maxTicketCapacity && releases.some((r, i) => released[i] < r.want) && !exhausted;
  return { moves, released, bought, after: p, full, exhausted, soldOut: isSoldOut(p), truncated: hitLimit, unfillable };
}
