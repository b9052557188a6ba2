import type { ActorState } from "@/lib/contracts/event";
import { formatCount as count } from "@/lib/contracts/format";
import type { LogRow } from "@/lib/log/append";
import type { ReleaseDemand, BuyDemand } from "./demands";
import type { Place } from "./line";
import type { Plan } from "./plan";

// What a batch says in the event log, in words: one row per move — a vendor releasing or a buyer
// buying a run of tickets, with the pool's counters as they stood right after it — then the waits, refusals and the sell-out
// the batch caused. Pure: the batch appends these rows in its own transaction.

type Where = { eventId: number; run: number; at: Date };
type Counters = { released: number; sold: number; available: number };

/** One row per move ("Vendor 3 released tickets #1001–#1050"), in the plan's order; `counters` advances with them. */
export function moveRows(where: Where, counters: Counters, plan: Plan, releases: ReleaseDemand[], places: Place[], moved: bigint[][]): LogRow[] {
  return plan.moves.map((move, i) => {
    const ids = moved[i];
    const range = { ticketId: ids[0], lastTicketId: ids[ids.length - 1], tickets: ids.length };
    const what = ids.length === 1 ? `ticket #${ids[0]}` : `${count(ids.length)} tickets #${ids[0]}–#${ids[ids.length - 1]}`;
    if (move.kind === "release") {
      counters.released += move.count;
      counters.available += move.count;
      const v = releases[move.index];
      return { ...where, ...counters, ...range, kind: "RELEASED", actor: v.name, message: `${v.name} released ${what}` };
    }
    counters.sold += move.count;
    counters.available -= move.count;
    const pl = places[move.index];
    return { ...where, ...counters, ...range, kind: "SOLD", actor: pl.name, vip: pl.vip, message: `${pl.name} bought ${what}${pl.kind === "real" ? " (real buyer)" : ""}` };
  });
}

export function refusedRow(where: Where, counters: Counters, pl: Place): LogRow {
  return { ...where, ...counters, kind: "REFUSED", actor: pl.name, vip: pl.vip, message: `${pl.name} asked for ${count(pl.want)}: sold out, nothing charged` };
}

/** A vendor or customer starting to wait, or a vendor finishing, is said once, when it happens. */
export function stateRows(
  where: Where,
  counters: Counters,
  pool: { maxTicketCapacity: number; totalTickets: number },
  releases: ReleaseDemand[],
  vendorStates: ActorState[],
  buyers: BuyDemand[],
  customerStates: ActorState[],
  gone: Set<number>,
): LogRow[] {
  const rows: LogRow[] = [];
  releases.forEach((r, i) => {
    if (vendorStates[i] === r.state) return;
    if (vendorStates[i] === "WAITING") rows.push({ ...where, ...counters, kind: "POOL_FULL", actor: r.name, message: `${r.name} waits: the pool is full (${count(pool.maxTicketCapacity)} tickets)` });
    if (vendorStates[i] === "DONE") rows.push({ ...where, ...counters, kind: "VENDOR_DONE", actor: r.name, message: `${r.name} is done: all ${count(pool.totalTickets)} tickets are released` });
  });
  buyers.forEach((b, i) => {
    if (customerStates[i] === "WAITING" && b.state !== "WAITING" && !gone.has(b.customerId)) {
      rows.push({ ...where, ...counters, kind: "WAITING", actor: b.name, vip: b.vip, message: `${b.name} is waiting for a ticket` });
    }
  });
  return rows;
}

export function soldOutRow(where: Where, counters: Counters, totalTickets: number): LogRow {
  return { ...where, ...counters, kind: "SOLD_OUT", actor: "system", message: `Sold out: all ${count(totalTickets)} tickets are sold` };
}
