import "server-only";
import { db } from "@/lib/db/client";
import { engine } from "@/lib/engine/engine";
import { AppError } from "@/lib/errors";
import { count } from "@/lib/format";
import { cancelQueuedPurchases, lockEventOrThrow } from "@/lib/pool/store";
import type { AddCustomerInput, AddVendorInput } from "@/lib/validation/actor";
import { appendLogs } from "./log";
import { getEventView, type CustomerView, type VendorView } from "./view";

// Vendors and customers joining or leaving a sale, at any time. Each change is one
// transaction on the locked event row, so it never lands in the middle of a pool batch: a
// batch in flight commits whole first, and every later batch (in any process) sees the
// actor gone and gives it nothing more.

type Kind = "vendor" | "customer";

export const MAX_ACTORS = { vendor: 500, customer: 1_000 } as const;

export async function addVendor(eventId: number, input: AddVendorInput): Promise<VendorView> {
  const row = await db().$transaction(async (tx) => {
    const ev = await lockEventOrThrow(tx, eventId);
    const present = await tx.vendor.count({ where: { eventId, removedAt: null } });
    if (present >= MAX_ACTORS.vendor) throw new AppError("invalid_state", `An event has at most ${MAX_ACTORS.vendor} vendors`);
    const v = await tx.vendor.create({
      data: { eventId, name: input.name, ticketReleaseRate: input.ticketReleaseRate ?? null, state: ev.status === "RUNNING" ? "WORKING" : "PAUSED" },
    });
    await appendLogs(tx, [{ eventId, run: ev.run, kind: "CONFIG", actor: "operator", message: `${v.name} joined as a vendor${input.ticketReleaseRate ? ` at ${count(input.ticketReleaseRate)} tickets/s` : ""}`, released: ev.released, sold: ev.sold, available: ev.available, at: new Date() }]);
    return v;
  });
  engine().addActor(eventId, { kind: "vendor", id: row.id, name: row.name, ticketReleaseRate: row.ticketReleaseRate });
  return find(await getEventView(eventId), "vendor", row.id) as VendorView;
}

export async function addCustomer(eventId: number, input: AddCustomerInput): Promise<CustomerView> {
  const row = await db().$transaction(async (tx) => {
    const ev = await lockEventOrThrow(tx, eventId);
    const present = await tx.customer.count({ where: { eventId, removedAt: null } });
    if (present >= MAX_ACTORS.customer) throw new AppError("invalid_state", `An event has at most ${MAX_ACTORS.customer} customers`);
    const c = await tx.customer.create({
      data: { eventId, name: input.name, vip: input.vip, customerRetrievalRate: input.customerRetrievalRate ?? null, state: ev.status === "RUNNING" ? "WORKING" : "PAUSED" },
    });
    await appendLogs(tx, [{ eventId, run: ev.run, kind: "CONFIG", actor: "operator", vip: c.vip, message: `${c.name} joined as a ${c.vip ? "VIP " : ""}customer${input.customerRetrievalRate ? ` at ${count(input.customerRetrievalRate)} tickets/s` : ""}`, released: ev.released, sold: ev.sold, available: ev.available, at: new Date() }]);
    return c;
  });
  engine().addActor(eventId, { kind: "customer", id: row.id, name: row.name, vip: row.vip, customerRetrievalRate: row.customerRetrievalRate });
  return find(await getEventView(eventId), "customer", row.id) as CustomerView;
}

/** Removes a vendor or customer; what it already released or bought stays. A second removal is a 404. */
export async function removeActor(eventId: number, kind: Kind, actorId: number): Promise<{ id: number; removed: true }> {
  await db().$transaction(async (tx) => {
    const ev = await lockEventOrThrow(tx, eventId);
    const table = kind === "vendor" ? "Vendor" : "Customer";
    const rows = await tx.$queryRawUnsafe<{ name: string; removedAt: Date | null }[]>(`SELECT name, removedAt FROM ${table} WHERE id = ? AND eventId = ? FOR UPDATE`, actorId, eventId);
    if (rows.length === 0) throw new AppError("not_found", `Event ${eventId} has no ${kind} with id ${actorId}`);
    if (rows[0].removedAt) throw new AppError("not_found", `The ${kind} with id ${actorId} was already removed`);
    await tx.$executeRawUnsafe(`UPDATE ${table} SET removedAt = ?, state = 'DONE' WHERE id = ?`, new Date(), actorId);
    if (kind === "customer") {
      await cancelQueuedPurchases(tx, { customerId: actorId });
    }
    await appendLogs(tx, [{ eventId, run: ev.run, kind: "CONFIG", actor: "operator", message: `${rows[0].name} left the sale (${kind} removed)`, released: ev.released, sold: ev.sold, available: ev.available, at: new Date() }]);
  });
  await engine().removeActor(eventId, kind, actorId);
  return { id: actorId, removed: true };
}

/** Pauses or resumes one vendor or customer; a paused actor keeps what it has and asks for nothing. */
export async function setActorPaused(eventId: number, kind: Kind, actorId: number, paused: boolean): Promise<VendorView | CustomerView> {
  const row = await db().$transaction(async (tx) => {
    const ev = await lockEventOrThrow(tx, eventId);
    const table = kind === "vendor" ? "Vendor" : "Customer";
    const rows = await tx.$queryRawUnsafe<{ name: string; vip?: boolean; rate: number | null; removedAt: Date | null }[]>(
      `SELECT name, ${kind === "vendor" ? "ticketReleaseRate AS rate" : "customerRetrievalRate AS rate, vip"}, removedAt FROM ${table} WHERE id = ? AND eventId = ? FOR UPDATE`,
      actorId,
      eventId,
    );
    if (rows.length === 0 || rows[0].removedAt) throw new AppError("not_found", `Event ${eventId} has no ${kind} with id ${actorId}`);
    const state = paused ? "PAUSED" : ev.status === "RUNNING" ? "WORKING" : "PAUSED";
    await tx.$executeRawUnsafe(`UPDATE ${table} SET paused = ?, state = IF(state = 'DONE' AND NOT ?, 'DONE', ?) WHERE id = ?`, paused, paused, state, actorId);
    if (paused && kind === "customer") {
      await cancelQueuedPurchases(tx, { customerId: actorId });
    }
    await appendLogs(tx, [{ eventId, run: ev.run, kind: "CONFIG", actor: "operator", message: `${rows[0].name} ${paused ? "paused" : "resumed"}`, released: ev.released, sold: ev.sold, available: ev.available, at: new Date() }]);
    return { name: rows[0].name, vip: Boolean(rows[0].vip), rate: rows[0].rate };
  });
  if (paused) await engine().removeActor(eventId, kind, actorId);
  else if (kind === "vendor") engine().addActor(eventId, { kind, id: actorId, name: row.name, ticketReleaseRate: row.rate });
  else engine().addActor(eventId, { kind, id: actorId, name: row.name, vip: row.vip, customerRetrievalRate: row.rate });
  return find(await getEventView(eventId), kind, actorId);
}

function find(view: Awaited<ReturnType<typeof getEventView>>, kind: Kind, id: number) {
  const list: (VendorView | CustomerView)[] = kind === "vendor" ? view.vendors : view.customers;
  const found = list.find((a) => a.id === id);
  if (!found) throw new AppError("not_found", `Event ${view.id} has no ${kind} with id ${id}`);
  return found;
}
