import "server-only";
import type { PurchaseView } from "@/lib/contracts/purchase";
import type { PurchaseRequest } from "@/lib/contracts/purchase-input";
import { engine } from "@/lib/engine/engine";
import { demand } from "./demand";
import { awaitJoined, awaitOutcome, enterQueue, type PurchaseOptions } from "@/lib/purchases/request";

// A real buyer buys: join the event's one queue (or find the purchase an earlier request with
// the same Idempotency-Key made), wake this process's driver of the event if it has one, and
// wait for the outcome until the request's deadline (its arrival plus its wait budget).

export async function buy(eventId: number, input: PurchaseRequest, options: PurchaseOptions): Promise<{ purchase: PurchaseView; replayed: boolean }> {
  demand(eventId);
  const entry = await enterQueue(eventId, input, options);
  // A hold's token goes to the request that made it (and to its retries), never to a read.
  const token = entry.holdToken ? { holdToken: entry.holdToken } : {};
  if (entry.replayed) return { purchase: { ...(await awaitOutcome(entry.id, options.deadline)), ...token }, replayed: true };
  const outcome = awaitJoined(entry, eventId, options.deadline);
  engine().nudge(eventId);
  return { purchase: { ...(await outcome), ...token }, replayed: false };
}
