import "server-only";
import { AppError, hasCode } from "@/lib/contracts/errors";
import type { PurchaseView } from "@/lib/contracts/purchase";
import { engine } from "@/lib/engine/engine";
import { endHold, expireIfDue } from "@/lib/pool/holds";
import { cancelPurchase } from "@/lib/purchases/cancel";
import { checkHoldToken } from "@/lib/purchases/holds";
import { getPurchase, purchaseRow, toPurchaseView } from "@/lib/purchases/read";

// A buyer's checkout hold (issue 18): confirm it (the tickets become theirs), release it (they
// return to the pool and the queue is served from them), or read it — which expires it first
// when its time is up, so that no sweeper is needed (on-demand deployments included).

/** POST /api/purchases/{pid}/confirm: 200 with the COMPLETED purchase, the same answer again on a repeat. */
export async function confirmHold(publicId: string, holdToken: string): Promise<PurchaseView> {
  await endHold(publicId, holdToken, "confirm");
  return getPurchase(publicId);
}

/**
 * POST /api/purchases/{pid}/cancel. A purchase that is not a hold leaves the queue as before (its
 * id is all it needs); a hold — waiting or held — needs its token, and a held one's tickets go
 * back to the pool, where this process's driver (if it drives the event) serves them at once.
 */
export async function cancelOrRelease(publicId: string, holdToken: string | undefined): Promise<PurchaseView> {
  const row = await purchaseRow(publicId);
  if (!row.hold) return cancelPurchase(publicId);
  if (!holdToken) throw new AppError("forbidden", "This purchase is a hold: send its holdToken (from the answer that made it) in the body to release it");
  if (row.status === "QUEUED") {
    await checkHoldToken(row.id, holdToken);
    try {
      return await cancelPurchase(publicId);
    } catch (err) {
      if (!hasCode(err, "invalid_state")) throw err; // served meanwhile: it is HELD now, and is released below
    }
  }
  await endHold(publicId, holdToken, "release");
  engine().nudge(row.eventId);
  return getPurchase(publicId);
}

/** GET /api/purchases/{pid}: a hold found past its expiry is expired first. */
export async function readPurchase(publicId: string): Promise<PurchaseView> {
  const row = await purchaseRow(publicId);
  return (await expireIfDue(row)) ? getPurchase(publicId) : toPurchaseView(row);
}
