import "server-only";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { toLogEntry } from "./log";
import { percentile } from "@/lib/purchases/percentile";
import type { WaitStats } from "@/lib/purchases/types";
import type { LogEntry } from "./log-kinds";

// The public shapes of an event (DESIGN §6: one flat object), built from the database only,
// so that every app instance — and a restarted one — shows exactly what the rows hold.

export type ActorState = "WORKING" | "WAITING" | "PAUSED" | "DONE";

export type VendorView = { id: number; name: string; ticketReleaseRate: number; ownRate: boolean; released: number; state: ActorState; paused: boolean };
export type CustomerView = {
  id: number;
  name: string;
  vip: boolean;
  customerRetrievalRate: number;
  ownRate: boolean;
  bought: number;
  state: ActorState;
  paused: boolean;
  /** 1-based place in the serving order while waiting, else null. */
  position: number | null;
};

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
  /** Waits from joining the queue to holding the tickets, per class, over the run's latest 1,000 purchases. */
  waitStats: { vip: WaitStats; regular: WaitStats };
  maxTicketsPerBuyer: number | null;
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
  const queue = await queueOf(id, ev.run);
  const waiting = { vip: 0, regular: 0 };
  const position = new Map<number, number>();
  queue.forEach((q, i) => {
    waiting[q.vip ? "vip" : "regular"]++;
    if (q.customerId !== null && !position.has(q.customerId)) position.set(q.customerId, i + 1);
  });
  const [vipStats, regularStats] = await Promise.all([waitStats(id, ev.run, true, waiting.vip), waitStats(id, ev.run, false, waiting.regular)]);
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
    waitStats: { vip: vipStats, regular: regularStats },
    maxTicketsPerBuyer: ev.maxTicketsPerBuyer,
    vendors: ev.vendors.map((v) => ({
      id: v.id,
      name: v.name,
      ticketReleaseRate: v.ticketReleaseRate ?? ev.ticketReleaseRate,
      ownRate: v.ticketReleaseRate !== null,
      released: v.released,
      state: v.state,
      paused: v.paused,
    })),
    customers: ev.customers.map((c) => ({
      id: c.id,
      name: c.name,
      vip: c.vip,
      customerRetrievalRate: c.customerRetrievalRate ?? ev.customerRetrievalRate,
      ownRate: c.customerRetrievalRate !== null,
      bought: c.bought,
      state: c.state,
      paused: c.paused,
      position: position.get(c.id) ?? null,
    })),
    createdAt: ev.createdAt.toISOString(),
    updatedAt: ev.updatedAt.toISOString(),
  };
}

/** Everyone waiting in the event's queue, in serving order. */
async function queueOf(eventId: number, run: number): Promise<{ customerId: number | null; vip: boolean }[]> {
  const rows = await db().purchase.findMany({
    where: { eventId, run, status: "QUEUED" },
    orderBy: [{ vip: "desc" }, { requestedAt: "asc" }, { id: "asc" }],
    select: { customerId: true, vip: true },
    take: 5_000,
  });
  return rows;
}

async function waitStats(eventId: number, run: number, vip: boolean, waiting: number): Promise<WaitStats> {
  const rows = await db().purchase.findMany({
    where: { eventId, run, vip, status: "COMPLETED" },
    orderBy: { id: "desc" },
    select: { waitMs: true },
    take: 1_000,
  });
  const waits = rows.map((r) => r.waitMs ?? 0).sort((a, b) => a - b);
  const served = await db().purchase.count({ where: { eventId, run, vip, status: "COMPLETED" } });
  return { waiting, served, medianMs: percentile(waits, 0.5), p95Ms: percentile(waits, 0.95) };
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
