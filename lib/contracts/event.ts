import { z } from "zod";
import type { WaitStats } from "./purchase";

// The public shapes of an event (DESIGN §6: one flat object), as the API returns them and as
// the pages — server and client alike — render them. Types only, and the sold-out rule that
// both the server and the buyer page apply.

export type EventStatus = "IDLE" | "RUNNING" | "STOPPED" | "SOLD_OUT";

export const ACTOR_KINDS = ["vendor", "customer"] as const;
export const actorKindSchema = z.enum(ACTOR_KINDS, { error: "kind must be vendor or customer" });
/** Vendors release tickets, customers buy them; everything else about the two is shared. */
export type ActorKind = (typeof ACTOR_KINDS)[number];

export type ActorState = "WORKING" | "WAITING" | "PAUSED" | "DONE";

type ActorCommon = { id: number; name: string; ownRate: boolean; state: ActorState; paused: boolean };

export type VendorView = ActorCommon & { ticketReleaseRate: number; released: number };
export type CustomerView = ActorCommon & {
  vip: boolean;
  customerRetrievalRate: number;
  bought: number;
  /** 1-based place in the serving order while waiting, else null. */
  position: number | null;
};
export type ActorView = VendorView | CustomerView;

export type EventView = {
  id: number;
  name: string;
  status: EventStatus;
  run: number;
  totalTickets: number;
  maxTicketCapacity: number;
  ticketReleaseRate: number;
  customerRetrievalRate: number;
  released: number;
  sold: number;
  available: number;
  /** Tickets held by checkout holds: taken from the pool, neither sold nor available until confirmed or returned. */
  held: number;
  /** How long a checkout hold lasts, in seconds. */
  holdSeconds: number;
  /** The chance, in %, that a simulated customer abandons its hold (simulatedHolds). */
  holdAbandonPercent: number;
  /** Seconds a simulated customer takes to confirm a hold it keeps. */
  holdConfirmSeconds: number;
  waiting: { vip: number; regular: number };
  /** Waits from joining the queue to holding the tickets, per class, over the run's latest 1,000 purchases. */
  waitStats: { vip: WaitStats; regular: WaitStats };
  maxTicketsPerBuyer: number | null;
  /** The app instance that drives the run (holds its lease), or null when none does right now. */
  driver: string | null;
  vendors: VendorView[];
  customers: CustomerView[];
  createdAt: string;
  updatedAt: string;
};

export type EventSummary = Pick<EventView, "id" | "name" | "status" | "run" | "totalTickets" | "maxTicketCapacity" | "released" | "sold" | "available" | "held" | "createdAt">;

/** What the buyer page shows of an event: nothing of the operator's (no actors, no log, no rates). */
export type BuyerEvent = {
  id: number;
  name: string;
  status: EventStatus;
  totalTickets: number;
  sold: number;
  /** Tickets still to be bought: in the pool now or not yet released (total − sold). */
  ticketsLeft: number;
  maxTicketCapacity: number;
  maxTicketsPerBuyer: number | null;
  /** How long a checkout hold lasts, in seconds. */
  holdSeconds: number;
};

/**
 * Whether simulated customers take their tickets as checkout holds (issue 18, part 3): when a
 * customer may abandon a hold or takes time to confirm one. Both 0, a hold confirmed at once
 * and never abandoned is a sale, so they buy at once, as they always did.
 */
export function simulatesHolds(ev: { holdAbandonPercent: number; holdConfirmSeconds: number }): boolean {
  return ev.holdAbandonPercent > 0 || ev.holdConfirmSeconds > 0;
}

/**
 * The sold-out rule (DESIGN §2), decided here and nowhere else: every ticket is sold. With
 * sold + held + available = released ≤ total, that is the same as "released = total, available = 0
 * and nothing held" (a held ticket may still come back).
 */
export function isSoldOut(sale: { status?: string; totalTickets: number; sold: number }): boolean {
  return sale.status === "SOLD_OUT" || sale.sold >= sale.totalTickets;
}

/** An actor row as an update sends it: the whole row when it is new, else its id and the fields that changed. */
export type RowPatch<T extends { id: number }> = Partial<T> & { id: number };

/**
 * What an SSE `update` says about the event: every scalar field, and for vendors and customers
 * only what changed (`partial`): new rows whole, changed rows as their changed fields, and the
 * ids of those that left — or, without `partial`, the whole lists. A busy sale with a thousand
 * actors then costs a message a few bytes per actor that moved, not the whole table.
 */
export type EventDelta = Omit<EventView, "vendors" | "customers"> & {
  vendors: RowPatch<VendorView>[];
  customers: RowPatch<CustomerView>[];
  partial?: true;
  removed?: { vendors: number[]; customers: number[] };
};

/** The delta that turns `prev` into `next` (a whole view when the run changed). */
export function diffEvent(prev: EventView, next: EventView): EventDelta {
  if (prev.run !== next.run || prev.id !== next.id) return next;
  const changed = <T extends { id: number }>(before: T[], after: T[]): { rows: RowPatch<T>[]; removed: number[] } => {
    const old = new Map(before.map((a) => [a.id, a]));
    const rows: RowPatch<T>[] = [];
    for (const a of after) {
      const was = old.get(a.id);
      if (!was) {
        rows.push(a);
        continue;
      }
      const patch = rowPatch(was, a);
      if (patch) rows.push(patch);
    }
    const present = new Set(after.map((a) => a.id));
    return { rows, removed: before.filter((a) => !present.has(a.id)).map((a) => a.id) };
  };
  const vendors = changed(prev.vendors, next.vendors);
  const customers = changed(prev.customers, next.customers);
  return { ...next, vendors: vendors.rows, customers: customers.rows, partial: true, removed: { vendors: vendors.removed, customers: customers.removed } };
}

function rowPatch<T extends { id: number }>(was: T, now: T): RowPatch<T> | null {
  let patch: RowPatch<T> | null = null;
  for (const k of Object.keys(now) as (keyof T)[]) {
    if (was[k] !== now[k]) (patch ??= { id: now.id } as RowPatch<T>)[k] = now[k];
  }
  return patch;
}

/** Applies an update's delta to the event as last known; actors stay in id order. */
export function applyDelta(prev: EventView, delta: EventDelta | EventView): EventView {
  const { partial, removed, ...rest } = delta as EventDelta;
  if (!partial || prev.run !== delta.run || prev.id !== delta.id) return rest as EventView;
  const merge = <T extends { id: number }>(before: T[], changed: RowPatch<T>[], gone: number[] = []): T[] => {
    if (changed.length === 0 && gone.length === 0) return before;
    const byId = new Map(before.map((a) => [a.id, a]));
    for (const id of gone) byId.delete(id);
    for (const patch of changed) byId.set(patch.id, { ...byId.get(patch.id), ...patch } as T);
    return [...byId.values()].sort((x, y) => x.id - y.id);
  };
  return { ...rest, vendors: merge(prev.vendors, delta.vendors, removed?.vendors), customers: merge(prev.customers, delta.customers, removed?.customers) };
}
