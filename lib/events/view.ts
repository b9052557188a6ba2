import "server-only";
import { AppError } from "@/lib/contracts/errors";
import type { ActorState, BuyerEvent, EventSummary, EventView } from "@/lib/contracts/event";
import { db } from "@/lib/db/client";
import { queueNow, waitStats } from "@/lib/purchases/wait-stats";
import { demand } from "./demand";

// An event as the API and the pages show it (the shapes live in lib/contracts), built from the
// database only, so that every app instance — and a restarted one — shows exactly what the
// rows hold.

/** The event as the API and pages show it. `statsMaxAgeMs`: wait statistics that old will do (the live feed's reads). */
export async function getEventView(id: number, statsMaxAgeMs = 0): Promise<EventView> {
  if (statsMaxAgeMs === 0) demand(id); // a request's read (the live feed's reads come with their stream's demand)
  const ev = await db().event.findUnique({
    where: { id },
    include: {
      vendors: { where: { removedAt: null }, orderBy: { id: "asc" } },
      customers: { where: { removedAt: null }, orderBy: { id: "asc" } },
    },
  });
  if (!ev) throw new AppError("not_found", `There is no event with id ${id}`);
  const [queue, vipServed, regularServed] = await Promise.all([queueNow(id, ev.run), waitStats(id, ev.run, true, statsMaxAgeMs), waitStats(id, ev.run, false, statsMaxAgeMs)]);
  const waiting = { vip: 0, regular: 0 };
  const position = new Map<number, number>();
  queue.forEach((q, i) => {
    waiting[q.vip ? "vip" : "regular"]++;
    if (q.customerId !== null && !position.has(q.customerId)) position.set(q.customerId, i + 1);
  });
  const vipStats = { waiting: waiting.vip, ...vipServed };
  const regularStats = { waiting: waiting.regular, ...regularServed };
  return {
    id: ev.id,
    name: ev.name,
    status: ev.status,
    run: ev.run,
    totalTickets: ev.totalTickets,
    maxTicketCapacity: ev.maxTicketCapacity,
    ticketReleaseRate: ev.ticketReleaseRate,
    customerRetrievalRate: ev.customerRetrievalRate,
    released: ev.released,
    sold: ev.sold,
    available: ev.available,
    held: ev.held,
    holdSeconds: ev.holdSeconds,
    holdAbandonPercent: ev.holdAbandonPercent,
    holdConfirmSeconds: ev.holdConfirmSeconds,
    waiting,
    waitStats: { vip: vipStats, regular: regularStats },
    maxTicketsPerBuyer: ev.maxTicketsPerBuyer,
    driver: ev.status === "RUNNING" ? ev.driverInstance : null,
    vendors: ev.vendors.map((v) => ({ ...actorCommon(v), ticketReleaseRate: v.ticketReleaseRate ?? ev.ticketReleaseRate, ownRate: v.ticketReleaseRate !== null, released: v.released })),
    customers: ev.customers.map((c) => ({
      ...actorCommon(c),
      vip: c.vip,
      customerRetrievalRate: c.customerRetrievalRate ?? ev.customerRetrievalRate,
      ownRate: c.customerRetrievalRate !== null,
      bought: c.bought,
      position: position.get(c.id) ?? null,
    })),
    createdAt: ev.createdAt.toISOString(),
    updatedAt: ev.updatedAt.toISOString(),
  };
}

export async function listEvents(): Promise<EventSummary[]> {
  const rows = await db().event.findMany({ orderBy: { id: "desc" }, take: 500 });
  return rows.map((e) => ({
    id: e.id,
    name: e.name,
    status: e.status,
    run: e.run,
    totalTickets: e.totalTickets,
    maxTicketCapacity: e.maxTicketCapacity,
    released: e.released,
    sold: e.sold,
    available: e.available,
    held: e.held,
    createdAt: e.createdAt.toISOString(),
  }));
}

function actorCommon(a: { id: number; name: string; state: ActorState; paused: boolean }) {
  return { id: a.id, name: a.name, state: a.state, paused: a.paused };
}

/** What the buyer page shows: nothing of the operator's (no actors, no log, no rates). */
export async function getBuyerEvent(id: number): Promise<BuyerEvent> {
  demand(id);
  const ev = await db().event.findUnique({ where: { id } });
  if (!ev) throw new AppError("not_found", `There is no event with id ${id}`);
  return {
    id: ev.id,
    name: ev.name,
    status: ev.status,
    totalTickets: ev.totalTickets,
    sold: ev.sold,
    ticketsLeft: Math.max(0, ev.totalTickets - ev.sold),
    maxTicketCapacity: ev.maxTicketCapacity,
    maxTicketsPerBuyer: ev.maxTicketsPerBuyer,
    holdSeconds: ev.holdSeconds,
  };
}
