import "server-only";
import { AppError } from "@/lib/contracts/errors";
import type { NewActor } from "@/lib/contracts/actor-input";
import type { ActorKind, ActorView } from "@/lib/contracts/event";
import { formatCount as count } from "@/lib/contracts/format";
import { db, type Tx } from "@/lib/db/client";
import { bumpRoster, lockEventOrThrow } from "@/lib/db/lock";
import { engine } from "@/lib/engine/engine";
import { appendLogs, logRow } from "@/lib/log/append";
import { cancelQueuedPurchases } from "@/lib/purchases/ledger";
import { getEventView } from "./view";

// Vendors and customers joining, pausing or leaving a sale, at any time — one code path for
// both kinds. Each change is one transaction on the locked event row, so it never lands in the
// middle of a pool batch: a batch in flight commits whole first, and every later batch (in any
// process) sees the change.

export const MAX_ACTORS = { vendor: 500, customer: 1_000 } as const;

const TABLE = { vendor: "Vendor", customer: "Customer" } as const;
const RATE_COLUMN = { vendor: "ticketReleaseRate", customer: "customerRetrievalRate" } as const;

export async function addActor(eventId: number, kind: ActorKind, input: NewActor): Promise<ActorView> {
  const id = await db().$transaction(async (tx) => {
    const ev = await lockEventOrThrow(tx, eventId);
    const [present] = await tx.$queryRawUnsafe<{ n: bigint }[]>(`SELECT COUNT(*) AS n FROM ${TABLE[kind]} WHERE eventId = ? AND removedAt IS NULL`, eventId);
    if (Number(present.n) >= MAX_ACTORS[kind]) throw new AppError("invalid_state", `An event has at most ${count(MAX_ACTORS[kind])} ${kind}s`);
    const id = await insertActor(tx, eventId, kind, input, ev.status === "RUNNING" ? "WORKING" : "PAUSED");
    await bumpRoster(tx, eventId);
    const as = kind === "vendor" ? "a vendor" : `a ${input.vip ? "VIP " : ""}customer`;
    await appendLogs(tx, [logRow({ eventId, run: ev.run }, ev, { kind: "CONFIG", actor: "operator", vip: input.vip, message: `${input.name} joined as ${as}${input.rate ? ` at ${count(input.rate)} tickets/s` : ""}` })]);
    return id;
  });
  engine().addActor(eventId, { kind, id, name: input.name, vip: input.vip, rate: input.rate });
  return find(eventId, kind, id);
}

async function insertActor(tx: Tx, eventId: number, kind: ActorKind, input: NewActor, state: "WORKING" | "PAUSED"): Promise<number> {
  if (kind === "vendor") return (await tx.vendor.create({ data: { eventId, name: input.name, ticketReleaseRate: input.rate, state } })).id;
  return (await tx.customer.create({ data: { eventId, name: input.name, vip: input.vip, customerRetrievalRate: input.rate, state } })).id;
}

/** Removes a vendor or customer; what it already released or bought stays. A second removal is a 404. */
export async function removeActor(eventId: number, kind: ActorKind, actorId: number): Promise<{ id: number; removed: true }> {
  await db().$transaction(async (tx) => {
    const ev = await lockEventOrThrow(tx, eventId);
    const actor = await lockActor(tx, eventId, kind, actorId, true);
    await tx.$executeRawUnsafe(`UPDATE ${TABLE[kind]} SET removedAt = ?, state = 'DONE' WHERE id = ?`, new Date(), actorId);
    await bumpRoster(tx, eventId);
    if (kind === "customer") await cancelQueuedPurchases(tx, { customerId: actorId });
    await appendLogs(tx, [logRow({ eventId, run: ev.run }, ev, { kind: "CONFIG", actor: "operator", message: `${actor.name} left the sale (${kind} removed)` })]);
  });
  await engine().removeActor(eventId, kind, actorId);
  return { id: actorId, removed: true };
}

/** Pauses or resumes one vendor or customer; a paused actor keeps what it has and asks for nothing. */
export async function setActorPaused(eventId: number, kind: ActorKind, actorId: number, paused: boolean): Promise<ActorView> {
  const actor = await db().$transaction(async (tx) => {
    const ev = await lockEventOrThrow(tx, eventId);
    const actor = await lockActor(tx, eventId, kind, actorId, false);
    const state = paused ? "PAUSED" : ev.status === "RUNNING" ? "WORKING" : "PAUSED";
    await tx.$executeRawUnsafe(`UPDATE ${TABLE[kind]} SET paused = ?, state = IF(state = 'DONE' AND NOT ?, 'DONE', ?) WHERE id = ?`, paused, paused, state, actorId);
    await bumpRoster(tx, eventId);
    if (paused && kind === "customer") await cancelQueuedPurchases(tx, { customerId: actorId });
    await appendLogs(tx, [logRow({ eventId, run: ev.run }, ev, { kind: "CONFIG", actor: "operator", message: `${actor.name} ${paused ? "paused" : "resumed"}` })]);
    return actor;
  });
  if (paused) await engine().removeActor(eventId, kind, actorId);
  else engine().addActor(eventId, { kind, id: actorId, name: actor.name, vip: actor.vip, rate: actor.rate });
  return find(eventId, kind, actorId);
}

type LockedActor = { name: string; vip: boolean; rate: number | null };

/** The actor's row, locked; unknown or removed is a 404 (`removal` words a second removal as such). */
async function lockActor(tx: Tx, eventId: number, kind: ActorKind, actorId: number, removal: boolean): Promise<LockedActor> {
  const rows = await tx.$queryRawUnsafe<{ name: string; vip: number | boolean; rate: number | null; removedAt: Date | null }[]>(
    `SELECT name, ${kind === "customer" ? "vip" : "FALSE AS vip"}, ${RATE_COLUMN[kind]} AS rate, removedAt FROM ${TABLE[kind]} WHERE id = ? AND eventId = ? FOR UPDATE`,
    actorId,
    eventId,
  );
  const row = rows[0];
  if (!row || (row.removedAt && !removal)) throw new AppError("not_found", `Event ${eventId} has no ${kind} with id ${actorId}`);
  if (row.removedAt) throw new AppError("not_found", `The ${kind} with id ${actorId} was already removed`);
  return { name: row.name, vip: Boolean(row.vip), rate: row.rate === null ? null : Number(row.rate) };
}

async function find(eventId: number, kind: ActorKind, id: number): Promise<ActorView> {
  const view = await getEventView(eventId);
  const found = (kind === "vendor" ? view.vendors : view.customers).find((a: ActorView) => a.id === id);
  if (!found) throw new AppError("not_found", `Event ${view.id} has no ${kind} with id ${id}`);
  return found;
}
