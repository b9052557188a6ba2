import "server-only";
import { AppError, hasCode } from "@/lib/contracts/errors";
import type { PurchaseStatus, PurchaseView } from "@/lib/contracts/purchase";
import { db } from "@/lib/db/client";
import { singleton } from "@/lib/platform/singleton";
import { AHEAD_OF_SQL, aheadOfParams, SERVING_ORDER_SQL } from "./order";

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
  hold: boolean;
  holdExpiresAt: Date | null;
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
    waitedMs: row.status === "COMPLETED" || row.status === "HELD" ? row.waitMs : null,
    // Only a checkout hold says so: an immediate sale's shape stays DESIGN §6's.
    ...(row.hold ? { mode: "hold" as const, holdExpiresAt: row.holdExpiresAt?.toISOString() ?? null } : {}),
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
    if (hasCode(err, "not_found")) return null;
    throw err;
  }
}

type Standing = { status: PurchaseStatus; position: number | null };

/**
 * Where purchases stand now — status, and place in line while QUEUED — for many requests at
 * once: the requests whose budgets run out together (a rush) cost one query per event, not a
 * read and a count each.
 */
export function standingOf(eventId: number, run: number, id: bigint): Promise<Standing | undefined> {
  const pending = singleton("standing-batches", () => new Map<string, { ids: Map<bigint, ((s: Standing | undefined) => void)[]> }>());
  const key = `${eventId}:${run}`;
  let batch = pending.get(key);
  if (!batch) {
    const created = { ids: new Map<bigint, ((s: Standing | undefined) => void)[]>() };
    pending.set(key, created);
    batch = created;
    setImmediate(() => {
      pending.delete(key);
      void lookUp(eventId, run, created.ids);
    });
  }
  const waiters = batch.ids.get(id) ?? [];
  batch.ids.set(id, waiters);
  return new Promise((resolve) => waiters.push(resolve));
}

async function lookUp(eventId: number, run: number, ids: Map<bigint, ((s: Standing | undefined) => void)[]>): Promise<void> {
  const wanted = [...ids.keys()];
  let found = new Map<bigint, Standing>();
  try {
    const rows = await db().$queryRawUnsafe<{ id: bigint; status: PurchaseStatus; position: bigint | null }[]>(
      `SELECT p.id, p.status, q.position FROM Purchase p
         LEFT JOIN (SELECT id, ROW_NUMBER() OVER (ORDER BY ${SERVING_ORDER_SQL}) AS position FROM Purchase WHERE eventId = ? AND run = ? AND status = 'QUEUED') q ON q.id = p.id
        WHERE p.id IN (${wanted.map(() => "?").join(",")})`,
      eventId,
      run,
      ...wanted,
    );
    found = new Map(rows.map((r) => [BigInt(r.id), { status: r.status, position: r.status === "QUEUED" && r.position !== null ? Number(r.position) : null }]));
  } catch {
    // The caller reads the purchase itself (and meets the same error, with its own answer).
  }
  for (const [id, waiters] of ids) for (const w of waiters) w(found.get(id));
}
