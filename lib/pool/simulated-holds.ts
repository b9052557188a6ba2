import "server-only";
import type { LockedEvent } from "@/lib/db/lock";
import type { Sql } from "@/lib/db/sql";
import { env } from "@/lib/platform/env";
import { appendLogs, type LogRow } from "@/lib/log/append";
import { answerQueueSoldOut } from "@/lib/purchases/ledger";
import { completeSimulatedHolds, dueSimulatedConfirms, holdSimulatedPurchases } from "@/lib/purchases/simulated-holds";
import { enqueueWebhooks } from "@/lib/webhooks/outbox";
import { markActorsDone } from "./actor-counters";
import { soldOutRow } from "./batch-log";
import { holdRows } from "./holds";
import type { Place } from "./line";

// Simulated customers' checkout holds (issue 18, part 3). When the event says its customers
// may abandon a hold or take time to confirm one (simulatesHolds), a batch serves a simulated
// request as a hold of whatever it got — the same queue, the same order, VIPs first — and
// decides there and then, with the event's abandon chance, what the customer will do: confirm
// at `confirmAt` or never (the hold expires after holdSeconds and its tickets go back to the
// queue, like a real buyer's). The decision is written on the purchase row, so whichever
// instance drives a later batch applies it, in background and in on-demand mode alike; no
// sweeper is needed. Everything here runs inside a pool batch, under the event's row lock.

/** Confirmations a batch applies at most, so that the event's lock stays short. */
export const CONFIRM_BATCH = 500;

/** A hold's length in ms, as the event says and HOLD_SECONDS_SCALE shortens it (tests, demos). */
export function holdMs(seconds: number): number {
  return Math.round(seconds * 1000 * env().HOLD_SECONDS_SCALE);
}

/** A simulated customer takes what there is; as a hold, what it got in this batch is its whole hold (its request ends). */
export function servedAsSimulatedHold(pl: Place, bought: number): boolean {
  return pl.kind === "sim" && pl.hold && bought > 0;
}

/** Whether this hold is abandoned: true with the event's chance (whole %). */
export function abandons(percent: number, random: () => number = Math.random): boolean {
  return random() * 100 < percent;
}

/**
 * The simulated holds this batch served: HELD until `expiresAt`, each with its customer's
 * decision, drawn now with the event's abandon chance: confirm at
 * `expiresAt − holdSeconds + holdConfirmSeconds`, or never (abandoned).
 */
export async function holdSimulated(tx: Pick<Sql, "$executeRawUnsafe">, holds: { id: bigint; quantity: number; waitMs: number }[], expiresAt: Date, ev: Pick<LockedEvent, "holdSeconds" | "holdAbandonPercent" | "holdConfirmSeconds">, random: () => number = Math.random): Promise<void> {
  const confirmAt = new Date(expiresAt.getTime() - holdMs(ev.holdSeconds) + holdMs(ev.holdConfirmSeconds));
  await holdSimulatedPurchases(tx, holds.map((h) => ({ ...h, confirmAt: abandons(ev.holdAbandonPercent, random) ? null : confirmAt })), expiresAt);
}

/**
 * Confirms the event's simulated holds whose customers' time to confirm has come (by the
 * database's clock) and that have not expired: their tickets become sold. Expired ones are
 * left to the expiry, which runs first in a batch — a customer who confirms after the hold ran
 * out (the sale was not driven meanwhile, on demand) finds it gone, like a real buyer would.
 * `ev`'s counters advance. Says whether this sold the last ticket (the event is SOLD_OUT now).
 */
export async function confirmDueSimulatedHolds(tx: Sql, eventId: number, ev: LockedEvent, now: Date): Promise<boolean> {
  if (ev.held === 0) return false;
  const due = await dueSimulatedConfirms(tx, eventId, ev.run, CONFIRM_BATCH);
  if (due.length === 0) return false;
  const ids = due.map((h) => h.id);
  const marks = ids.map(() => "?").join(",");
  const tickets = await tx.$queryRawUnsafe<{ id: bigint; purchaseId: bigint }[]>(`SELECT id, purchaseId FROM Ticket WHERE purchaseId IN (${marks}) AND soldAt IS NULL ORDER BY id FOR UPDATE`, ...ids);
  const changed = await tx.$executeRawUnsafe(`UPDATE Ticket SET soldAt = ? WHERE purchaseId IN (${marks}) AND soldAt IS NULL`, now, ...ids);
  const expected = due.reduce((n, h) => n + h.quantity, 0);
  if (changed !== expected || tickets.length !== expected) throw new Error(`Confirmed ${changed} tickets of simulated holds that hold ${expected}`);
  await completeSimulatedHolds(tx, ids, now);

  ev.sold += expected;
  ev.held -= expected;
  const soldOut = ev.sold >= ev.totalTickets;
  await tx.$executeRawUnsafe(`UPDATE Event SET sold = ?, held = ?, ${soldOut ? "status = 'SOLD_OUT', " : ""}updatedAt = ? WHERE id = ?`, ev.sold, ev.held, now, eventId);

  const byPurchase = new Map<bigint, bigint[]>();
  for (const t of tickets) {
    const p = BigInt(t.purchaseId);
    byPurchase.set(p, [...(byPurchase.get(p) ?? []), BigInt(t.id)]);
  }
  const counters = { released: ev.released, sold: ev.sold - expected, available: ev.available, held: ev.held + expected };
  const logs: LogRow[] = [];
  for (const h of due) {
    const mine = byPurchase.get(h.id) ?? [];
    counters.sold += mine.length;
    counters.held -= mine.length;
    logs.push(...holdRows({ eventId, run: h.run, kind: "CONFIRMED", actor: h.buyer, vip: h.vip, ...counters, at: now }, mine, (what) => `${h.buyer} confirmed ${what} (simulated hold)`));
  }
  const where = { eventId, run: ev.run, at: now };
  if (soldOut) {
    logs.push(soldOutRow(where, counters, ev.totalTickets));
    await answerQueueSoldOut(tx, eventId, ev.run, now);
    await markActorsDone(tx, eventId);
    // Simulated sales send no webhooks; the sell-out does, as when a batch sells the last ticket.
    await enqueueWebhooks(tx, eventId, [{ type: "event.sold_out", at: now, data: { eventId, run: ev.run, totalTickets: ev.totalTickets, sold: ev.sold, released: ev.released } }], now);
  }
  await appendLogs(tx, logs);
  return soldOut;
}
