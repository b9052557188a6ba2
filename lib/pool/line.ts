import type { QueuedPurchase } from "@/lib/purchases/ledger";
import { byServingOrder } from "@/lib/purchases/order";
import type { BuyDemand } from "./demands";

// One line for everyone: simulated customers' requests and real buyers' purchases, merged in
// the one serving order. Pure: the batch decides with it, the database is not asked.

/** One place in line: a simulated request (`index` into the batch's buyers) or a real purchase (`index` into the queued purchases). */
export type Place = {
  kind: "sim" | "real";
  index: number;
  vip: boolean;
  at: Date;
  name: string;
  customerId: number | null;
  want: number;
  /** A real buyer's purchase is all or nothing; a simulated customer takes what there is. */
  allOrNothing: boolean;
  /** A checkout hold: its tickets are held, not sold. */
  hold: boolean;
};

/** `simulatedHolds`: simulated customers take their tickets as checkout holds (the event's simulatesHolds). */
export function lineUp(buyers: BuyDemand[], real: QueuedPurchase[], gone: Set<number>, simulatedHolds = false): Place[] {
  const places: Place[] = [
    ...buyers.flatMap((b, index): Place[] =>
      gone.has(b.customerId) ? [] : [{ kind: "sim", index, vip: b.vip, at: b.joinedAt, name: b.name, customerId: b.customerId, want: b.want, allOrNothing: false, hold: simulatedHolds }],
    ),
    ...real.map((r, index): Place => ({ kind: "real", index, vip: r.vip, at: r.requestedAt, name: r.buyer, customerId: null, want: r.quantity, allOrNothing: true, hold: r.hold })),
  ];
  const seq = (p: Place) => (p.kind === "real" ? real[p.index].id : undefined);
  return places.sort((x, y) => byServingOrder({ vip: x.vip, at: x.at.getTime(), seq: seq(x) }, { vip: y.vip, at: y.at.getTime(), seq: seq(y) }));
}
