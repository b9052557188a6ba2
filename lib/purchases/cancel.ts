import "server-only";
import { AppError } from "@/lib/contracts/errors";
import type { PurchaseView } from "@/lib/contracts/purchase";
import { db } from "@/lib/db/client";
import { lockEvent } from "@/lib/db/lock";
import { appendLogs, logRow } from "@/lib/log/append";
import { purchaseRow, toPurchaseView } from "./read";

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
      await appendLogs(tx, [logRow(found, ev, { kind: "CANCELLED", actor: found.buyer, vip: found.vip, message: `${found.buyer} left the queue` })]);
    }
  });
  return toPurchaseView(await purchaseRow(publicId));
}
