import "server-only";
import { AppError } from "@/lib/contracts/errors";
import { formatCount as count } from "@/lib/contracts/format";
import { lockEvent, type LockedEvent } from "@/lib/db/lock";
import { sqlTransaction, type Sql } from "@/lib/db/sql";
import { appendLogs, type LogRow } from "@/lib/log/append";
import { completeHold, databaseNow, dueHolds, endHolds, lockedHold, requireHoldToken, type HoldRow } from "@/lib/purchases/holds";
import { answerQueueSoldOut } from "@/lib/purchases/ledger";
import { purchaseRow } from "@/lib/purchases/read";
import { enqueueWebhooks, type WebhookMessage } from "@/lib/webhooks/outbox";
import { markActorsDone, uncountReturned } from "./actor-counters";
import { soldOutRow } from "./batch-log";
import { runsOf } from "./runs";

// How checkout holds end, in the pool: confirmed (the held tickets become sold), released by
// their buyer or expired (the tickets return to the pool, where the next batch serves them to
// the queue — VIPs first — before any vendor releases more, because they are its oldest
// available tickets and occupy space already). Each runs under the event's row lock, the one
// lock order there is, so a confirm racing an expiry or a cancel is decided by who locks first:
// the second finds the hold already ended. Expiry is lazy: every pool batch returns the
// event's due holds (a batch at a time), and so does any confirm, cancel or read that finds
// its own hold due — so an on-demand deployment needs no sweeper.

type Counters = { released: number; sold: number; available: number; held: number };

/** Holds a batch returns at most, so that the event's lock stays short. */
export const EXPIRY_BATCH = 500;

/** The rows a hold's tickets are logged in: one per run of consecutive ids (a hold is at most 10 tickets, so its ranges name exactly its own). */
export function holdRows(base: Omit<LogRow, "ticketId" | "lastTicketId" | "tickets" | "message">, ids: bigint[], message: (what: string) => string): LogRow[] {
  return runsOf(ids).map((r) => {
    const what = r.length === 1 ? `ticket #${r[0]}` : `${count(r.length)} tickets #${r[0]}–#${r[r.length - 1]}`;
    return { ...base, ticketId: r[0], lastTicketId: r[r.length - 1], tickets: r.length, message: message(what) };
  });
}

function heldMessage(type: "hold.expired" | "purchase.cancelled", h: HoldRow, ticketIds: bigint[], at: Date): WebhookMessage {
  return {
    type,
    at,
    data: { purchaseId: h.publicId, eventId: h.eventId, run: h.run, buyer: h.buyer, vip: h.vip, quantity: h.quantity, status: type === "hold.expired" ? "EXPIRED" : "CANCELLED", ticketIds: ticketIds.map(Number), requestedAt: h.requestedAt.toISOString(), holdExpiresAt: h.holdExpiresAt?.toISOString() ?? null, endedAt: at.toISOString() },
  };
}

/**
 * Returns these holds' tickets to the pool, under the event's lock: the tickets lose their
 * buyer, the purchases end (EXPIRED or CANCELLED), the counters move held → available, and the
 * log and the webhook outbox say so in the same transaction. `counters` advances with them.
 */
export async function returnHolds(tx: Sql, eventId: number, counters: Counters, holds: HoldRow[], status: "EXPIRED" | "CANCELLED", now: Date): Promise<void> {
  if (holds.length === 0) return;
  const ids = holds.map((h) => h.id);
  const marks = ids.map(() => "?").join(",");
  const tickets = await tx.$queryRawUnsafe<{ id: bigint; purchaseId: bigint }[]>(`SELECT id, purchaseId FROM Ticket WHERE purchaseId IN (${marks}) AND soldAt IS NULL ORDER BY id FOR UPDATE`, ...ids);
  await uncountReturned(tx, holds.filter((h) => h.simulated).map((h) => h.id));
  const changed = await tx.$executeRawUnsafe(`UPDATE Ticket SET purchaseId = NULL, buyer = NULL, customerId = NULL WHERE purchaseId IN (${marks}) AND soldAt IS NULL`, ...ids);
  const expected = holds.reduce((n, h) => n + h.quantity, 0);
  // A hold always holds its whole quantity: anything else means the pool changed under the lock.
  if (changed !== expected || tickets.length !== expected) throw new Error(`Returned ${changed} tickets of holds that hold ${expected}`);
  await endHolds(tx, ids, status, now);
  await tx.$executeRawUnsafe("UPDATE Event SET held = held - ?, available = available + ?, updatedAt = ? WHERE id = ?", expected, expected, now, eventId);
  const byPurchase = new Map<bigint, bigint[]>();
  for (const t of tickets) {
    const p = BigInt(t.purchaseId);
    byPurchase.set(p, [...(byPurchase.get(p) ?? []), BigInt(t.id)]);
  }
  const logs: LogRow[] = [];
  const messages: WebhookMessage[] = [];
  for (const h of holds) {
    const mine = byPurchase.get(h.id) ?? [];
    counters.held -= mine.length;
    counters.available += mine.length;
    const why = status === "EXPIRED" ? "expired" : "was released by its buyer";
    logs.push(...holdRows({ eventId, run: h.run, kind: "RETURNED", actor: h.buyer, vip: h.vip, ...counters, at: now }, mine, (what) => `${h.buyer}'s hold of ${what} ${why}: back in the pool`));
    // Simulated customers' holds send nothing, like their sales.
    if (!h.simulated) messages.push(heldMessage(status === "EXPIRED" ? "hold.expired" : "purchase.cancelled", h, mine, now));
  }
  await appendLogs(tx, logs);
  await enqueueWebhooks(tx, eventId, messages, now);
}

/** Returns the event's holds that are due by the database's clock (up to EXPIRY_BATCH of them); `ev`'s counters advance. Call under the event's lock. */
export async function expireDueHolds(tx: Sql, eventId: number, ev: LockedEvent, now: Date): Promise<number> {
  if (ev.held === 0) return 0;
  const due = await dueHolds(tx, eventId, ev.run, EXPIRY_BATCH);
  await returnHolds(tx, eventId, ev, due, "EXPIRED", now);
  return due.length;
}

export type HoldOutcome = { kind: "confirmed" | "cancelled" } | { kind: "expired" } | { kind: "refused"; error: AppError };

function refusal(h: HoldRow, action: "confirm" | "release"): AppError | null {
  switch (h.status) {
    case "QUEUED":
      return new AppError("invalid_state", `This hold is still waiting in line: there are no tickets to ${action} yet`);
    case "SOLD_OUT":
      return new AppError("invalid_state", "This purchase ended sold out: it holds no tickets");
    case "CANCELLED":
      return new AppError("invalid_state", "This hold was released (or its run was reset): its tickets went back to the pool; join the queue again to buy");
    case "EXPIRED":
      return new AppError("hold_expired", "This hold expired before it was confirmed: its tickets went back to the pool; join the queue again to buy");
    case "COMPLETED":
      return action === "release" ? new AppError("invalid_state", "This hold is already confirmed: its tickets are sold and cannot be released") : null;
    default:
      return null;
  }
}

/**
 * Confirms or releases a hold for its buyer (who proves it with the hold's token). A hold
 * found due is expired first, in the same transaction, and the answer is 409 hold_expired.
 * Confirming an already confirmed hold answers the same as the first confirm (idempotent).
 */
export async function endHold(publicId: string, token: string, action: "confirm" | "release"): Promise<{ id: bigint }> {
  const found = await purchaseRow(publicId);
  const outcome = await sqlTransaction(async (tx): Promise<HoldOutcome> => {
    const ev = await lockEvent(tx, found.eventId);
    // One instant decides: the hold is due at it or it is not, and a confirm is recorded at it.
    const now = await databaseNow(tx);
    const h = await lockedHold(tx, found.id, now);
    if (!ev || !h) throw new AppError("not_found", `There is no purchase with id ${publicId}`);
    if (!h.hold) return { kind: "refused", error: new AppError("invalid_state", `This purchase is an immediate sale (it is ${h.status}), not a hold: there is nothing to ${action}`) };
    requireHoldToken(h, token);
    if (h.status === "HELD" && h.due) {
      await returnHolds(tx, found.eventId, ev, [h], "EXPIRED", now);
      return { kind: "expired" };
    }
    const refused = refusal(h, action);
    if (refused) return { kind: "refused", error: refused };
    if (h.status === "COMPLETED") return { kind: "confirmed" };
    if (action === "release") {
      await returnHolds(tx, found.eventId, ev, [h], "CANCELLED", now);
      return { kind: "cancelled" };
    }
    await sellHeld(tx, found.eventId, ev, h, now);
    return { kind: "confirmed" };
  }, 15_000);
  if (outcome.kind === "expired") throw new AppError("hold_expired", "This hold expired before it was confirmed: its tickets went back to the pool; join the queue again to buy");
  if (outcome.kind === "refused") throw outcome.error;
  return { id: found.id };
}

/** A hold confirmed in time: its tickets become sold to its buyer; the last ticket sold makes the event SOLD_OUT. */
async function sellHeld(tx: Sql, eventId: number, ev: LockedEvent, h: HoldRow, now: Date): Promise<void> {
  const tickets = await tx.$queryRawUnsafe<{ id: bigint }[]>("SELECT id FROM Ticket WHERE purchaseId = ? AND soldAt IS NULL ORDER BY id FOR UPDATE", h.id);
  const changed = await tx.$executeRawUnsafe("UPDATE Ticket SET soldAt = ? WHERE purchaseId = ? AND soldAt IS NULL", now, h.id);
  if (changed !== h.quantity || tickets.length !== h.quantity) throw new Error(`Confirmed ${changed} tickets of a hold of ${h.quantity}`);
  await completeHold(tx, h.id, now);
  const counters = { released: ev.released, sold: ev.sold + changed, available: ev.available, held: ev.held - changed };
  const soldOut = counters.sold >= ev.totalTickets;
  await tx.$executeRawUnsafe(`UPDATE Event SET sold = ?, held = ?, ${soldOut ? "status = 'SOLD_OUT', " : ""}updatedAt = ? WHERE id = ?`, counters.sold, counters.held, now, eventId);
  const ids = tickets.map((t) => BigInt(t.id));
  const where = { eventId, run: h.run, at: now };
  const logs = holdRows({ ...where, kind: "CONFIRMED", actor: h.buyer, vip: h.vip, ...counters }, ids, (what) => `${h.buyer} confirmed ${what} (real buyer)`);
  const messages: WebhookMessage[] = [
    {
      type: "purchase.completed",
      at: now,
      data: { purchaseId: h.publicId, eventId, run: h.run, buyer: h.buyer, vip: h.vip, quantity: h.quantity, status: "COMPLETED", ticketIds: ids.map(Number), requestedAt: h.requestedAt.toISOString(), completedAt: now.toISOString(), mode: "hold" },
    },
  ];
  if (soldOut) {
    logs.push(soldOutRow(where, counters, ev.totalTickets));
    await answerQueueSoldOut(tx, eventId, h.run, now);
    await markActorsDone(tx, eventId);
    messages.push({ type: "event.sold_out", at: now, data: { eventId, run: h.run, totalTickets: ev.totalTickets, sold: counters.sold, released: counters.released } });
  }
  await appendLogs(tx, logs);
  await enqueueWebhooks(tx, eventId, messages, now);
}

/** Lazily expires the hold of a purchase just read, if it is due (a read that finds it so); says whether it looked. Nothing happens to any other row. */
export async function expireIfDue(found: { id: bigint; eventId: number; status: string; holdExpiresAt: Date | null }): Promise<boolean> {
  if (found.status !== "HELD" || !found.holdExpiresAt || found.holdExpiresAt.getTime() > Date.now() + 60_000) return false; // the database's clock decides; this only spares a transaction
  await sqlTransaction(async (tx) => {
    const ev = await lockEvent(tx, found.eventId);
    const now = await databaseNow(tx);
    const h = await lockedHold(tx, found.id, now);
    if (ev && h && h.status === "HELD" && h.due) await returnHolds(tx, found.eventId, ev, [h], "EXPIRED", now);
  }, 15_000);
  return true;
}

/** A reset closes the old run: its holds end CANCELLED and their tickets go back (the run's history stays consistent). Call under the event's lock. */
export async function cancelRunHolds(tx: Sql, eventId: number, ev: LockedEvent, now: Date): Promise<void> {
  if (ev.held === 0) return;
  const rows = await tx.$queryRawUnsafe<{ id: bigint }[]>("SELECT id FROM Purchase WHERE eventId = ? AND run = ? AND status = 'HELD'", eventId, ev.run);
  const holds: HoldRow[] = [];
  for (const r of rows) {
    const h = await lockedHold(tx, BigInt(r.id), now);
    if (h) holds.push(h);
  }
  await returnHolds(tx, eventId, { ...ev }, holds, "CANCELLED", now);
}
