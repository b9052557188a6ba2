import "server-only";
import { AppError } from "@/lib/contracts/errors";
import type { PurchaseStatus, PurchaseView } from "@/lib/contracts/purchase";
import { db } from "@/lib/db/client";
import { AHEAD_OF_SQL, aheadOfParams } from "./order";

type Row = {
  id: bigint;
  publicId: string;
  eventId: number;
  run: number;
  buyer: string;
  vip: boolean;
  quantity: number;
  status: PurchaseStatus;
  requestedAt: Date;
  completedAt: Date | null;
  waitMs: number | null;
};

export async function purchaseRow(publicId: string): Promise<Row> {
  const row = /^p_[A-Za-z0-9_-]{16}$/.test(publicId) ? await db().purchase.findUnique({ where: { publicId } }) : null;
  if (!row) throw new AppError("not_found", `There is no purchase with id ${JSON.stringify(publicId).slice(0, 40)}`);
  return row;
}

export async function toPurchaseView(row: Row): Promise<PurchaseView> {
  const tickets = await db().ticket.findMany({ where: { purchaseId: row.id }, select: { id: true }, orderBy: { id: "asc" } });
  return {
    purchaseId: row.publicId,
    eventId: row.eventId,
    buyer: row.buyer,
    vip: row.vip,
    quantity: row.quantity,
    status: row.status,
    ticketIds: tickets.map((t) => Number(t.id)),
    requestedAt: row.requestedAt.toISOString(),
    completedAt: row.completedAt?.toISOString() ?? null,
    position: row.status === "QUEUED" ? await positionOf(row) : null,
    waitedMs: row.status === "COMPLETED" ? row.waitMs : null,
  };
}

/** 1-based place in the serving order. */
async function positionOf(row: Row): Promise<number> {
  const [ahead] = await db().$queryRawUnsafe<{ n: bigint }[]>(
    `SELECT COUNT(*) AS n FROM Purchase WHERE eventId = ? AND run = ? AND status = 'QUEUED' AND ${AHEAD_OF_SQL}`,
    row.eventId,
    row.run,
    ...aheadOfParams(row),
  );
  return Number(ahead.n) + 1;
}

export async function getPurchase(publicId: string): Promise<PurchaseView> {
  return toPurchaseView(await purchaseRow(publicId));
}

/** The purchase, if it exists and belongs to this event; else null (the buyer page's ?purchase=…). */
export async function findPurchaseOfEvent(publicId: string, eventId: number): Promise<PurchaseView | null> {
  try {
    const purchase = await getPurchase(publicId);
    return purchase.eventId === eventId ? purchase : null;
  } catch (err) {
    if (err instanceof AppError && err.code === "not_found") return null;
    throw err;
  }
}
