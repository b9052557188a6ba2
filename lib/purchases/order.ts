// The serving order of an event's queue (DESIGN §3), written once: every waiting VIP before
// any regular buyer, then by the moment each joined, then by purchase id. The comparator serves
// what is in memory, the SQL what is in the database; they say the same thing.

export type InLine = { vip: boolean; at: number; seq?: number | bigint };

export function byServingOrder(a: InLine, b: InLine): number {
  if (a.vip !== b.vip) return a.vip ? -1 : 1;
  if (a.at !== b.at) return a.at - b.at;
  if (a.seq === undefined || b.seq === undefined || a.seq === b.seq) return 0;
  return a.seq < b.seq ? -1 : 1;
}

/** ORDER BY for Purchase rows in serving order. */
export const SERVING_ORDER_SQL = "vip DESC, requestedAt, id";

/** WHERE condition for Purchase rows served before the one with (vip, requestedAt, id): bind `aheadOfParams`. */
export const AHEAD_OF_SQL = "(vip > ? OR (vip = ? AND (requestedAt < ? OR (requestedAt = ? AND id < ?))))";

export function aheadOfParams(p: { vip: boolean; requestedAt: Date; id: bigint }): unknown[] {
  return [p.vip, p.vip, p.requestedAt, p.requestedAt, p.id];
}
