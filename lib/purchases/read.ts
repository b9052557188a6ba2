import "server-only";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { PurchaseStatus, PurchaseView } from "./types";

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

/** 1-based place in the serving order: VIPs first, then by arrival. */
async function positionOf(row: Row): Promise<number> {
  const ahead = await db().purchase.count({
    where: {
      eventId: row.eventId,
      run: row.run,
      status: "QUEUED",
      OR: [
        ...(row.vip ? [] : [{ vip: true }]),
        { vip: row.vip, requestedAt: { lt: row.requestedAt } },
        { vip: row.vip, requestedAt: row.requestedAt, id: { lt: row.id } },
      ],
    },
  });
  return ahead + 1;
}

export async function getPurchase(publicId: string): Promise<PurchaseView> {
  return toPurchaseView(await purchaseRow(publicId));
}
