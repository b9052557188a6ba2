import "server-only";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { toLogEntry } from "./log";
import type { LogEntry } from "./log-kinds";

// The public shapes of an event (DESIGN §6: one flat object), built from the database only,
// so that every app instance — and a restarted one — shows exactly what the rows hold.

export type ActorState = "WORKING" | "WAITING" | "PAUSED" | "DONE";

export type VendorView = { id: number; name: string; ticketReleaseRate: number; ownRate: boolean; released: number; state: ActorState };
export type CustomerView = { id: number; name: string; vip: boolean; customerRetrievalRate: number; ownRate: boolean; bought: number; state: ActorState };

export type EventView = {
  id: number;
  name: string;
  status: "IDLE" | "RUNNING" | "STOPPED" | "SOLD_OUT";
  run: number;
  totalTickets: number;
  maxTicketCapacity: number;
  ticketReleaseRate: number;
  customerRetrievalRate: number;
  released: number;
  sold: number;
  available: number;
  waiting: { vip: number; regular: number };
  vendors: VendorView[];
  customers: CustomerView[];
  createdAt: string;
  updatedAt: string;
};

export type EventSummary = Pick<EventView, "id" | "name" | "status" | "run" | "totalTickets" | "maxTicketCapacity" | "released" | "sold" | "available" | "createdAt">;

export async function getEventView(id: number): Promise<EventView> {
  const ev = await db().event.findUnique({
    where: { id },
    include: {
      vendors: { where: { removedAt: null }, orderBy: { id: "asc" } },
      customers: { where: { removedAt: null }, orderBy: { id: "asc" } },
    },
  });
  if (!ev) throw new AppError("not_found", `There is no event with id ${id}`);
  const waiting = { vip: 0, regular: 0 };
  for (const c of ev.customers) if (c.state === "WAITING") waiting[c.vip ? "vip" : "regular"]++;
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
    waiting,
    vendors: ev.vendors.map((v) => ({
      id: v.id,
      name: v.name,
      ticketReleaseRate: v.ticketReleaseRate ?? ev.ticketReleaseRate,
      ownRate: v.ticketReleaseRate !== null,
      released: v.released,
      state: v.state,
    })),
    customers: ev.customers.map((c) => ({
      id: c.id,
      name: c.name,
      vip: c.vip,
      customerRetrievalRate: c.customerRetrievalRate ?? ev.customerRetrievalRate,
      ownRate: c.customerRetrievalRate !== null,
      bought: c.bought,
      state: c.state,
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
    createdAt: e.createdAt.toISOString(),
  }));
}

/** The newest log rows of the event's current run (up to row `upTo`, when given), newest first. */
export async function recentLogs(eventId: number, limit = 50, upTo?: bigint): Promise<LogEntry[]> {
  const ev = await db().event.findUnique({ where: { id: eventId }, select: { run: true } });
  if (!ev) return [];
  const rows = await db().eventLog.findMany({
    where: { eventId, run: ev.run, ...(upTo !== undefined ? { id: { lte: upTo } } : {}) },
    orderBy: { id: "desc" },
    take: limit,
  });
  return rows.map(toLogEntry);
}

/** Log rows after `afterId`, oldest first, at most `limit` (the newest ones when there are more). */
export async function logsAfter(eventId: number, afterId: bigint, limit: number): Promise<{ entries: LogEntry[]; skipped: number; lastId: bigint }> {
  const newest = await db().eventLog.findMany({ where: { eventId, id: { gt: afterId } }, orderBy: { id: "desc" }, take: limit + 1 });
  if (newest.length === 0) return { entries: [], skipped: 0, lastId: afterId };
  const lastId = newest[0].id;
  let skipped = 0;
  if (newest.length > limit) {
    newest.pop();
    skipped = await db().eventLog.count({ where: { eventId, id: { gt: afterId, lt: newest[newest.length - 1].id } } });
  }
  return { entries: newest.reverse().map(toLogEntry), skipped, lastId };
}

export async function lastLogId(eventId: number): Promise<bigint> {
  const row = await db().eventLog.findFirst({ where: { eventId }, orderBy: { id: "desc" }, select: { id: true } });
  return row?.id ?? 0n;
}
