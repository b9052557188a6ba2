// Catching up a sale that nobody drove for a while (ENGINE_MODE=on-demand: instances are
// frozen between requests, so a sale advances only while one handles a request for it). The
// new driver releases and sells what the rates allowed for the elapsed time, capped the way
// the pool would have capped it: vendors fill the pool no further than its capacity and the
// tickets left, customers buy no more than was there. Pure: the engine feeds the plan to the
// market in bounded rounds, and each round is still checked by the pool itself.

export type CatchUpActor = { id: number; rate: number };

export type CatchUpInput = {
  gapMs: number;
  totalTickets: number;
  maxTicketCapacity: number;
  released: number;
  sold: number;
  available: number;
  vendors: CatchUpActor[];
  customers: CatchUpActor[];
};

export type Share = { id: number; tickets: number };
export type CatchUpPlan = { releases: Share[]; buys: Share[]; released: number; sold: number };

/** The longest gap caught up: beyond it a sale that nobody drove for a day is not replayed all at once. */
export const MAX_GAP_MS = 24 * 60 * 60 * 1000;

/** What the gap owes: per vendor and customer, at most their rate × the gap, within the pool's limits. */
export function planCatchUp(input: CatchUpInput): CatchUpPlan {
  const seconds = Math.min(Math.max(0, input.gapMs), MAX_GAP_MS) / 1000;
  const owedRelease = input.vendors.map((v) => ({ id: v.id, tickets: Math.floor(v.rate * seconds) }));
  const owedBuy = input.customers.map((c) => ({ id: c.id, tickets: Math.floor(c.rate * seconds) }));
  const wantRelease = sum(owedRelease);
  const wantBuy = sum(owedBuy);
  // Released x and sold y over the gap: x within the tickets left and what the pool could take
  // (its free space plus what was sold meanwhile), y within what was there to buy.
  let x = Math.min(wantRelease, Math.max(0, input.totalTickets - input.released));
  let y = Math.min(wantBuy, input.available + x);
  x = Math.min(x, Math.max(0, input.maxTicketCapacity - input.available + y));
  y = Math.min(wantBuy, input.available + x);
  return { releases: shares(owedRelease, x), buys: shares(owedBuy, y), released: x, sold: y };
}

/** The plan in rounds of at most `perRound` tickets released (and as many sold), each a slice of every share. */
export function catchUpRounds(plan: CatchUpPlan, perRound: number): CatchUpPlan[] {
  const count = Math.max(1, Math.ceil(Math.max(plan.released, plan.sold) / Math.max(1, perRound)));
  if (plan.released === 0 && plan.sold === 0) return [];
  const slice = (list: Share[], k: number) =>
    list.map((s) => ({ id: s.id, tickets: Math.floor((s.tickets * (k + 1)) / count) - Math.floor((s.tickets * k) / count) })).filter((s) => s.tickets > 0);
  return Array.from({ length: count }, (_, k) => {
    const releases = slice(plan.releases, k);
    const buys = slice(plan.buys, k);
    return { releases, buys, released: sum(releases), sold: sum(buys) };
  });
}

function sum(list: Share[]): number {
  return list.reduce((s, x) => s + x.tickets, 0);
}

/** `total` tickets split over the owed shares in proportion, largest remainders first; nobody gets more than owed. */
function shares(owed: Share[], total: number): Share[] {
  const want = sum(owed);
  if (want === 0 || total === 0) return [];
  const exact = owed.map((o) => ({ id: o.id, exact: (o.tickets * total) / want }));
  const out = exact.map((e) => ({ id: e.id, tickets: Math.floor(e.exact) }));
  let left = total - sum(out);
  const byRemainder = exact.map((e, i) => ({ i, r: e.exact - Math.floor(e.exact) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of byRemainder) {
    if (left === 0) break;
    out[i].tickets++;
    left--;
  }
  return out.filter((s) => s.tickets > 0);
}
