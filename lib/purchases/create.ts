import "server-only";
import { createHash } from "node:crypto";
import { db } from "@/lib/db/client";
import { engine } from "@/lib/engine/engine";
import { AppError } from "@/lib/errors";
import type { PurchaseRequest } from "@/lib/validation/purchase";
import { isDuplicateKey, joinQueue, SameKeyInBatch } from "./join";
import { nextChange } from "./notify";
import { watchPurchase } from "./watch";
import { toPurchaseView } from "./read";
import type { PurchaseView } from "./types";

// A real buyer joins the event's one queue: the purchase row is written (QUEUED) under the
// event's lock, then whichever process drives the event serves it in its next batch. The
// request waits up to its budget for the outcome. With an Idempotency-Key, a retry — even one
// racing the original — finds the same row (unique key) and never buys twice.

export type PurchaseOptions = { idempotencyKey?: string; waitMs: number; source: "API" | "WEB" };

export async function requestPurchase(eventId: number, input: PurchaseRequest, options: PurchaseOptions): Promise<{ purchase: PurchaseView; replayed: boolean }> {
  const requestHash = createHash("sha256").update(JSON.stringify([eventId, input.buyer, input.quantity, input.vip])).digest("hex");
  if (options.idempotencyKey) {
    const earlier = await replay(options.idempotencyKey, requestHash, options.waitMs);
    if (earlier) return earlier;
  }
  let id: bigint;
  try {
    id = await joinQueue(eventId, { input, source: options.source, idempotencyKey: options.idempotencyKey, requestHash });
  } catch (err) {
    if (options.idempotencyKey && (err instanceof SameKeyInBatch || isDuplicateKey(err))) {
      const earlier = await replay(options.idempotencyKey, requestHash, options.waitMs);
      if (earlier) return earlier;
    }
    throw err;
  }
  engine().nudge(eventId);
  return { purchase: await waitForOutcome(id, options.waitMs), replayed: false };
}

async function replay(key: string, requestHash: string, waitMs: number): Promise<{ purchase: PurchaseView; replayed: boolean } | null> {
  const row = await db().purchase.findUnique({ where: { idempotencyKey: key }, select: { id: true, requestHash: true } });
  if (!row) return null;
  if (row.requestHash !== requestHash) {
    throw new AppError("validation_failed", "This Idempotency-Key was used with a different request: use a new key for a new purchase");
  }
  return { purchase: await waitForOutcome(row.id, waitMs), replayed: true };
}

/** The purchase once it is no longer QUEUED, or as it stands when the budget runs out. */
async function waitForOutcome(id: bigint, waitMs: number): Promise<PurchaseView> {
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
