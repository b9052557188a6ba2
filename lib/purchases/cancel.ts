import "server-only";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { appendLogs } from "@/lib/events/log";
import { lockEvent } from "@/lib/pool/store";
import { purchaseRow, toPurchaseView } from "./read";
import type { PurchaseView } from "./types";

/** A real buyer leaves the queue. Under the event's lock, so it never races the batch that would serve it. */
export async function cancelPurchase(publicId: string): Promise<PurchaseView> {
  const found = await purchaseRow(publicId);
  await db().$transaction(async (tx) => {
    const ev = await lockEvent(tx, found.eventId);
    const changed = await tx.$executeRawUnsafe(
      "UPDATE Purchase SET status = 'CANCELLED', completedAt = ? WHERE id = ? AND status = 'QUEUED' AND source <> 'SIMULATION'",
      new Date(),
      found.id,
    );
    if (changed === 0) {
      const now = await tx.purchase.findUniqueOrThrow({ where: { id: found.id }, select: { status: true } });
      throw new AppError("invalid_state", `This purchase is ${now.status} and can no longer leave the queue`);
    }
    if (ev) {
      await appendLogs(tx, [{ eventId: found.eventId, run: found.run, kind: "CANCELLED", actor: found.buyer, vip: found.vip, message: `${found.buyer} left the queue`, released: ev.released, sold: ev.sold, available: ev.available, at: new Date() }]);
    }
  });
  return toPurchaseView(await purchaseRow(publicId));
}
