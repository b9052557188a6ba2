import "server-only";
import type { PurchaseView } from "@/lib/contracts/purchase";
import type { PurchaseRequest } from "@/lib/contracts/purchase-input";
import { engine } from "@/lib/engine/engine";
import { awaitOutcome, enterQueue, type PurchaseOptions } from "@/lib/purchases/request";

// A real buyer buys: join the event's one queue (or find the purchase an earlier request with
// the same Idempotency-Key made), wake this process's driver of the event if it has one, and
// wait up to the request's budget for the outcome.

export async function buy(eventId: number, input: PurchaseRequest, options: PurchaseOptions): Promise<{ purchase: PurchaseView; replayed: boolean }> {
  const { id, replayed } = await enterQueue(eventId, input, options);
  if (!replayed) engine().nudge(eventId);
  return { purchase: await awaitOutcome(id, options.waitMs), replayed };
}
