import "server-only";
import { createHash } from "node:crypto";
import { AppError } from "@/lib/contracts/errors";
import type { PurchaseView } from "@/lib/contracts/purchase";
import type { PurchaseRequest } from "@/lib/contracts/purchase-input";
import { db } from "@/lib/db/client";
import { isDuplicateKey, joinQueue, isSameKeyInBatch, type JoinedPurchase } from "./join";
import { nextChange, waitsEnded, type Settled } from "./notify";
import { standingOf, toPurchaseView } from "./read";
import { watchPurchase } from "./watch";

// A real buyer joins the event's one queue: the purchase row is written (QUEUED) under the
// event's lock; whichever process drives the event serves it in a later batch, and the
// request waits up to its budget for the outcome. With an Idempotency-Key, a retry — even one
// racing the original — finds the same row (unique key) and never buys twice.

/** `deadline`: when the request must be answered (its arrival plus its wait budget, in Date.now() ms). */
/** `caller` scopes an Idempotency-Key to who sent it where that is known: an admin's key cannot be replayed anonymously. */
export type PurchaseOptions = { idempotencyKey?: string; deadline: number; source: "API" | "WEB"; caller?: "admin" | "public" };

/** A purchase just written to the queue, with what its answer needs. */
export type Entry = { id: bigint; replayed: boolean; joined?: JoinedPurchase; /** A checkout hold's secret, for the answer (a retry under the same key gets it again). */ holdToken?: string };

/** The purchase row for this request: a new one in the queue, or the one an earlier request with the same key made. */
export async function enterQueue(eventId: number, input: PurchaseRequest, options: PurchaseOptions): Promise<Entry> {
  // A retry must repeat its request: the hash tells a retry from another purchase under the same key (only keyed requests need one).
  const requestHash = options.idempotencyKey ? createHash("sha256").update(JSON.stringify([eventId, input.buyer, input.quantity, input.vip, options.caller ?? "public", ...(input.mode === "hold" ? ["hold"] : [])])).digest("hex") : null;
  if (options.idempotencyKey && requestHash) {
    const earlier = await earlierPurchase(eventId, options.idempotencyKey, requestHash);
    if (earlier !== null) return earlier;
  }
  try {
    const joined = await joinQueue(eventId, { input, source: options.source, idempotencyKey: options.idempotencyKey, requestHash });
    return { id: joined.id, replayed: false, joined, ...(joined.holdToken ? { holdToken: joined.holdToken } : {}) };
  } catch (err) {
    if (options.idempotencyKey && requestHash && (isSameKeyInBatch(err) || isDuplicateKey(err))) {
      const earlier = await earlierPurchase(eventId, options.idempotencyKey, requestHash);
      if (earlier !== null) return earlier;
    }
    throw err;
  }
}

async function earlierPurchase(eventId: number, key: string, requestHash: string): Promise<Entry | null> {
  const row = await db().purchase.findUnique({ where: { eventId_idempotencyKey: { eventId, idempotencyKey: key } }, select: { id: true, requestHash: true, holdToken: true } });
  if (!row) return null;
  if (row.requestHash !== requestHash) {
    throw new AppError("validation_failed", "This Idempotency-Key was used with a different request: use a new key for a new purchase");
  }
  return { id: row.id, replayed: true, ...(row.holdToken ? { holdToken: row.holdToken } : {}) };
}

/**
 * Waits, until the deadline, for the batch that serves a purchase this request just wrote. A
 * batch in this process hands over the outcome itself, so the answer costs no read; otherwise
 * (another process served it, or the deadline came) the database says how it stands.
 * Call it before nudging the driver, so that the signal cannot come before the listener.
 */
export function awaitJoined(entry: Entry, eventId: number, deadline: number): Promise<PurchaseView> {
  const joined = entry.joined;
  if (!joined) return awaitOutcome(entry.id, deadline);
  // Served by the very batch that wrote it: the answer is here already.
  if (joined.settled) return Promise.resolve(viewOfSettled(eventId, joined, joined.settled));
  const unwatch = watchPurchase(entry.id);
  return nextChange(entry.id, deadline - Date.now())
    .then(async (settled) => {
      if (settled) return viewOfSettled(eventId, joined, settled);
      // The budget ran out (or another process served it): one shared lookup says where it stands.
      const standing = await standingOf(eventId, joined.run, entry.id);
      if (standing?.status === "QUEUED") {
        const view = viewOfJoined(eventId, joined, { status: "QUEUED", ticketIds: [], completedAt: null, position: standing.position, waitedMs: null });
        return joined.holdToken ? { ...view, mode: "hold" as const, holdExpiresAt: null } : view;
      }
      return awaitOutcome(entry.id, deadline);
    })
    .finally(unwatch);
}

function viewOfSettled(eventId: number, joined: JoinedPurchase, settled: Settled): PurchaseView {
  const waitedMs = settled.status === "COMPLETED" || settled.status === "HELD" ? settled.waitMs : null;
  const view = viewOfJoined(eventId, joined, { status: settled.status, ticketIds: settled.ticketIds.map(Number), completedAt: settled.completedAt?.toISOString() ?? null, position: null, waitedMs });
  return joined.holdToken ? { ...view, mode: "hold" as const, holdExpiresAt: settled.holdExpiresAt?.toISOString() ?? null } : view;
}

/** The answer for a purchase this request wrote, from what the join and the outcome say: no read. */
function viewOfJoined(eventId: number, j: JoinedPurchase, now: Pick<PurchaseView, "status" | "ticketIds" | "completedAt" | "position" | "waitedMs">): PurchaseView {
  return { purchaseId: j.publicId, eventId, buyer: j.buyer, vip: j.vip, quantity: j.quantity, requestedAt: j.requestedAt.toISOString(), ...now };
}

/** The purchase once it is no longer QUEUED, or as it stands at the deadline. */
export async function awaitOutcome(id: bigint, deadline: number): Promise<PurchaseView> {
  let unwatch: (() => void) | undefined;
  try {
    for (;;) {
      const row = await db().purchase.findUniqueOrThrow({ where: { id } });
      const left = deadline - Date.now();
      if (row.status !== "QUEUED" || left <= 0 || waitsEnded()) return toPurchaseView(row);
      unwatch ??= watchPurchase(id);
      await nextChange(id, left);
    }
  } finally {
    unwatch?.();
  }
}
