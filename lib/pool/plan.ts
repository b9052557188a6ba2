// Pure settlement arithmetic for one batch of pool work: which vendor releases how many
// tickets and which waiting customer gets how many, in what order, so that the pool never
// holds more than its capacity and releases never pass the total (DESIGN §4). The store
// replays these moves inside one database transaction.

export type PoolNumbers = {
  totalTickets: number;
  maxTicketCapacity: number;
  released: number;
  sold: number;
  available: number;
};

/** A vendor asking to release, or a customer asking to buy, `want` tickets. */
export type Demand = { want: number };

export type Move = { kind: "release" | "sell"; index: number; count: number };

export type Plan = {
  moves: Move[];
  released: number[];
  bought: number[];
  after: PoolNumbers;
  /** The pool was full while some vendor still had tickets to release. */
  full: boolean;
  /** released = totalTickets: vendors have nothing left to release. */
  exhausted: boolean;
  /** released = totalTickets and available = 0. */
  soldOut: boolean;
  /** The batch hit its size limit with work left: the rest goes in the next batch. */
  truncated: boolean;
};

/**
 * Alternates releasing into free space and selling to the queue (already in serving order)
 * until neither can progress, so that one batch both refills the pool and drains it.
 */
export function planSettlement(pool: PoolNumbers, releases: Demand[], buyers: Demand[], limit = Infinity): Plan {
  const p = { ...pool };
  let budget = limit;
  const released = releases.map(() => 0);
  const bought = buyers.map(() => 0);
  const moves: Move[] = [];
  let progress = true;
  while (progress) {
    progress = false;
    for (let i = 0; i < releases.length; i++) {
      const n = Math.min(
        releases[i].want - released[i],
        p.maxTicketCapacity - p.available,
        p.totalTickets - p.released,
        budget,
      );
      if (n <= 0) continue;
      released[i] += n;
      budget -= n;
      p.released += n;
      p.available += n;
      moves.push({ kind: "release", index: i, count: n });
      progress = true;
    }
    for (let i = 0; i < buyers.length && p.available > 0; i++) {
      const n = Math.min(buyers[i].want - bought[i], p.available, budget);
      if (n <= 0) continue;
      bought[i] += n;
      budget -= n;
      p.sold += n;
      p.available -= n;
      moves.push({ kind: "sell", index: i, count: n });
      progress = true;
    }
  }
  const exhausted = p.released >= p.totalTickets;
  const truncated = budget <= 0 && (releases.some((r, i) => released[i] < r.want) || buyers.some((b, i) => bought[i] < b.want));
  const full = p.available >= p.maxTicketCapacity && releases.some((r, i) => released[i] < r.want) && !exhausted;
  return { moves, released, bought, after: p, full, exhausted, soldOut: exhausted && p.available === 0, truncated };
}
