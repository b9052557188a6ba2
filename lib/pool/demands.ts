import type { ActorState } from "@/lib/contracts/event";

// What the market hands a batch: each vendor's wish to release and each simulated customer's
// wish to buy, as they stand when the batch begins.

export type ReleaseDemand = { vendorId: number; name: string; want: number; state: ActorState };

/** A simulated customer's request: `want` is what is still missing of `quantity`. */
export type BuyDemand = {
  customerId: number;
  name: string;
  vip: boolean;
  want: number;
  quantity: number;
  state: ActorState;
  purchaseId: bigint | null;
  joinedAt: Date;
};
