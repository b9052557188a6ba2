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
};

/**
 * Alternates releasing into free space and selling to the queue (already in serving order)
 * until neither can progress, so that one batch both refills the pool and drains it.
 */
export function planSettlement(pool: PoolNumbers, releases: Demand[], buyers: Demand[]): Plan {
  const p = { ...pool };
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
      );
      if (n <= 0) continue;
      released[i] += n;
      p.released += n;
      p.available += n;
      moves.push({ kind: "release", index: i, count: n });
      progress = true;
    }
    for (let i = 0; i < buyers.length && p.available > 0; i++) {
      const n = Math.min(buyers[i].want - bought[i], p.available);
      if (n <= 0) continue;
      bought[i] += n;
      p.sold += n;
      p.available -= n;
      moves.push({ kind: "sell", index: i, count: n });
      progress = true;
    }
  }
  const exhausted = p.released >= p.totalTickets;
  const full = p.available >= p.maxTicketCapacity && releases.some((r, i) => released[i] < r.want) && !exhausted;
  return { moves, released, bought, after: p, full, exhausted, soldOut: exhausted && p.available === 0 };
}
