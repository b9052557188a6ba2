import type { ActorState } from "@/lib/contracts/event";
import { formatCount as count } from "@/lib/contracts/format";
import type { LogRow } from "@/lib/log/append";
import type { ReleaseDemand, BuyDemand } from "./demands";
import type { Place } from "./line";
import type { Plan } from "./plan";
import { runsOf, splitAround } from "./runs";

// What a batch says in the event log, in words: one row per move — a vendor releasing or a buyer
// buying a run of tickets, with the pool's counters as they stood right after it — then the waits, refusals and the sell-out
// the batch caused. Pure: the batch appends these rows in its own transaction.

type Where = { eventId: number; run: number; at: Date };
type Counters = { released: number; sold: number; available: number; held: number };

/**
 * One row per move ("Vendor 3 released tickets #1001–#1050"), in the plan's order; `counters`
 * advances with them. A row's range must hold only its own tickets: a sale is split around the
 * tickets held by checkout holds (`heldIds`, ascending), and a hold (at most 10 tickets) into
 * runs of consecutive ids.
 */
export function moveRows(where: Where, counters: Counters, plan: Plan, releases: ReleaseDemand[], places: Place[], moved: bigint[][], heldIds: bigint[] = []): LogRow[] {
  return plan.moves.flatMap((move, i): LogRow[] => {
    const ids = moved[i];
    if (move.kind === "release") {
      counters.released += move.count;
      counters.available += move.count;
      const v = releases[move.index];
      return [{ ...where, ...counters, ...rangeOf(ids), kind: "RELEASED", actor: v.name, message: `${v.name} released ${ticketsInWords(ids)}` }];
    }
    const pl = places[move.index];
    const parts = pl.hold ? runsOf(ids) : splitAround(ids, heldIds);
    return parts.map((part) => {
      if (pl.hold) counters.held += part.length;
      else counters.sold += part.length;
      counters.available -= part.length;
      if (pl.hold) return { ...where, ...counters, ...rangeOf(part), kind: "HELD", actor: pl.name, vip: pl.vip, message: `${pl.name} holds ${ticketsInWords(part)} (${pl.kind === "real" ? "real buyer" : "simulated customer"}, until confirmed or expired)` };
      return { ...where, ...counters, ...rangeOf(part), kind: "SOLD", actor: pl.name, vip: pl.vip, message: `${pl.name} bought ${ticketsInWords(part)}${pl.kind === "real" ? " (real buyer)" : ""}` };
    });
  });
}

function rangeOf(ids: bigint[]) {
  return { ticketId: ids[0], lastTicketId: ids[ids.length - 1], tickets: ids.length };
}

/** The tickets of a log row, in words: a range when their ids are consecutive, else named. */
export function ticketsInWords(ids: bigint[]): string {
  if (ids.length === 1) return `ticket #${ids[0]}`;
  const [first, last] = [ids[0], ids[ids.length - 1]];
  if (last - first + 1n === BigInt(ids.length)) return `${count(ids.length)} tickets #${first}–#${last}`;
  // Ids with gaps (a Galera cluster steps them by its size): "#716–#719" would read as four tickets.
  if (ids.length <= 4) return `tickets ${ids.slice(0, -1).map((id) => `#${id}`).join(", ")} and #${last}`;
  return `${count(ids.length)} tickets from #${first} to #${last}`;
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
