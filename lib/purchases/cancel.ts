import "server-only";
import { AppError } from "@/lib/contracts/errors";
import type { PurchaseView } from "@/lib/contracts/purchase";
import { db } from "@/lib/db/client";
import { lockEvent } from "@/lib/db/lock";
import { formatCount as count } from "@/lib/contracts/format";
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

/**
 * A real buyer waits in line for at most `maxWaitMs` (PURCHASE_MAX_WAIT_MS, 24 h by default):
 * a queue may form before a sale starts, as lines form before the doors open, but nobody's
 * request stays open for ever. Purchases that have waited longer leave the queue (CANCELLED),
 * under each event's lock, with one log row per event. Returns how many left.
 */
export async function expireWaits(maxWaitMs: number, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - maxWaitMs);
  let expired = 0;
  for (const ev of await db().event.findMany({ select: { id: true, run: true } })) {
    // Along the (eventId, run, status, vip, requestedAt) index: cheap when nobody is that old.
    const [old] = await db().$queryRawUnsafe<{ n: bigint | number }[]>(
      "SELECT COUNT(*) AS n FROM Purchase WHERE eventId = ? AND run = ? AND status = 'QUEUED' AND source <> 'SIMULATION' AND requestedAt < ?",
      ev.id,
      ev.run,
      cutoff,
    );
    if (Number(old.n) === 0) continue;
    expired += await db().$transaction(async (tx) => {
      const locked = await lockEvent(tx, ev.id);
      if (!locked) return 0;
      const n = await tx.$executeRawUnsafe(
        "UPDATE Purchase SET status = 'CANCELLED', completedAt = ? WHERE eventId = ? AND run = ? AND status = 'QUEUED' AND source <> 'SIMULATION' AND requestedAt < ?",
        now,
        ev.id,
        locked.run,
        cutoff,
      );
      if (n > 0) {
        const hours = Math.round(maxWaitMs / 3_600_000);
        const longest = hours >= 1 ? `${count(hours)} h` : `${count(Math.round(maxWaitMs / 60_000))} min`;
        await appendLogs(tx, [logRow({ eventId: ev.id, run: locked.run }, locked, { kind: "CANCELLED", actor: "system", message: `${count(n)} purchase${n === 1 ? "" : "s"} left the queue after waiting more than ${longest}` })]);
      }
      return n;
    });
  }
  return expired;
}
