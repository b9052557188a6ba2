import "server-only";
import { createHash } from "node:crypto";
import { AppError } from "@/lib/contracts/errors";
import type { PurchaseView } from "@/lib/contracts/purchase";
import type { PurchaseRequest } from "@/lib/contracts/purchase-input";
import { db } from "@/lib/db/client";
import { isDuplicateKey, joinQueue, SameKeyInBatch } from "./join";
import { nextChange } from "./notify";
import { toPurchaseView } from "./read";
import { watchPurchase } from "./watch";

// A real buyer joins the event's one queue: the purchase row is written (QUEUED) under the
// event's lock; whichever process drives the event serves it in a later batch, and the
// request waits up to its budget for the outcome. With an Idempotency-Key, a retry — even one
// racing the original — finds the same row (unique key) and never buys twice.

export type PurchaseOptions = { idempotencyKey?: string; waitMs: number; source: "API" | "WEB" };

/** The purchase row for this request: a new one in the queue, or the one an earlier request with the same key made. */
export async function enterQueue(eventId: number, input: PurchaseRequest, options: PurchaseOptions): Promise<{ id: bigint; replayed: boolean }> {
  const requestHash = createHash("sha256").update(JSON.stringify([eventId, input.buyer, input.quantity, input.vip])).digest("hex");
  if (options.idempotencyKey) {
    const earlier = await earlierPurchase(options.idempotencyKey, requestHash);
    if (earlier !== null) return { id: earlier, replayed: true };
  }
  try {
    return { id: await joinQueue(eventId, { input, source: options.source, idempotencyKey: options.idempotencyKey, requestHash }), replayed: false };
  } catch (err) {
    if (options.idempotencyKey && (err instanceof SameKeyInBatch || isDuplicateKey(err))) {
      const earlier = await earlierPurchase(options.idempotencyKey, requestHash);
      if (earlier !== null) return { id: earlier, replayed: true };
    }
    throw err;
  }
}

async function earlierPurchase(key: string, requestHash: string): Promise<bigint | null> {
  const row = await db().purchase.findUnique({ where: { idempotencyKey: key }, select: { id: true, requestHash: true } });
  if (!row) return null;
  if (row.requestHash !== requestHash) {
    throw new AppError("validation_failed", "This Idempotency-Key was used with a different request: use a new key for a new purchase");
  }
  return row.id;
}

/** The purchase once it is no longer QUEUED, or as it stands when the budget runs out. */
export async function awaitOutcome(id: bigint, waitMs: number): Promise<PurchaseView> {
  const deadline = Date.now() + waitMs;
  let unwatch: (() => void) | undefined;
  try {
    for (;;) {
      const row = await db().purchase.findUniqueOrThrow({ where: { id } });
      const left = deadline - Date.now();
      if (row.status !== "QUEUED" || left <= 0) return toPurchaseView(row);
      unwatch ??= watchPurchase(id);
      await nextChange(id, left);
    }
  } finally {
    unwatch?.();
  }
}
