import "server-only";
import { metrics } from "@/lib/platform/metrics";
import type { ActorState } from "@/lib/contracts/event";
import { stampBatch } from "@/lib/db/batch";
import { fenceHolds, type Fence } from "@/lib/db/lease";
import { sqlTransaction } from "@/lib/db/sql";
import { lockEvent } from "@/lib/db/lock";
import { env } from "@/lib/platform/env";
import { appendLogs } from "@/lib/log/append";
import { writeJoins, type JoinWrite, type PendingJoin } from "@/lib/purchases/join";
import type { Settled } from "@/lib/purchases/notify";
import { databaseNow } from "@/lib/purchases/holds";
import { answerQueueSoldOut, finishPurchases, holdPurchases, queuedPurchases, recordSimulatedPurchases, type Outcome } from "@/lib/purchases/ledger";
import { bumpActors, markActorsDone, inactiveAmong } from "./actor-counters";
import { allocate, idsOf } from "./allocate";
import { moveRows, refusedRow, soldOutRow, stateRows } from "./batch-log";
import type { BuyDemand, ReleaseDemand } from "./demands";
import { lineUp, type Place } from "./line";
import { planSettlement, type Plan } from "./plan";
import { expireDueHolds } from "./holds";
import { confirmDueSimulatedHolds, holdMs, holdSimulated, servedAsSimulatedHold } from "./simulated-holds";
import { simulatesHolds } from "@/lib/contracts/event";
import { heldFrom, insertTickets, oldestUnsold, sellTickets } from "./tickets";
import { webhookMessages } from "./webhook-messages";
import { enqueueWebhooks } from "@/lib/webhooks/outbox";

// The one place that changes the pool in the database. Every batch is one transaction that
// first locks the event row (FOR UPDATE): that row lock serialises pool changes across every
// process on the database, and the CHECK constraints on Event back the arithmetic up.

export type Settlement =
  | { halted: true; status: string; run: number; joins: JoinWrite }
  | {
      halted: false;
      /** The event's roster counter as this batch saw it (lib/db/lock.ts bumpRoster). */
      roster: number;
      /** Real buyers' joins this batch wrote (served below like every queued purchase). */
      joins: JoinWrite;
      plan: Plan;
      /** Ticket ids sold to each simulated buyer, in the buyers' order. */
      tickets: bigint[][];
      /** The purchase row of each simulated buyer (created by this batch when it had none). */
      purchaseIds: bigint[];
      vendorStates: ActorState[];
      customerStates: ActorState[];
      /** Actors removed or paused (through any instance) since they asked: their requests end here. */
      gone: { vendors: Set<number>; customers: Set<number> };
      /** Real buyers' purchases this batch served or refused, with their outcome. */
      settledPurchases: Settled[];
      /** Per simulated buyer: its request ended as a checkout hold of what it got (lib/pool/simulated-holds.ts). */
      heldSimulated?: boolean[];
    };

const NO_JOINS: JoinWrite = { accepted: [], refused: [] };
const TX_TIMEOUT_MS = 30_000;
/** Tickets moved (released + sold) per transaction at most: keeps the event's lock short. */
export const BATCH_LIMIT = 20_000;

/** Who writes a batch and the batch's id, stamped with its writes (lib/db/batch.ts). */
export type Stamp = { writer: string; batch: string };

export async function settle(eventId: number, run: number, releases: ReleaseDemand[], buyers: BuyDemand[], newJoins: PendingJoin[] = [], fence?: Fence, stamp?: Stamp): Promise<Settlement> {
  const timer = metrics().batch.startTimer();
  let served: { vip: boolean; waitMs: number }[] = [];
  const settlement = await sqlTransaction(async (tx): Promise<Settlement> => {
    const ev = await lockEvent(tx, eventId);
    const stamped = async () => {
      if (stamp && ev) await stampBatch(tx.deferred, eventId, stamp.writer, stamp.batch, new Date());
    };
    // A driver that lost its lease (another instance took over) commits nothing more.
    if (fence && !(await fenceHolds(tx, fence))) {
      const joins = newJoins.length ? await writeJoins(tx, eventId, ev, newJoins) : NO_JOINS;
      if (joins.accepted.length > 0) await stamped();
      return { halted: true, status: "LEASE_LOST", run, joins };
    }
    // Real buyers who joined since the last batch are written first, then served with the rest of the queue.
    const joins = newJoins.length ? await writeJoins(tx, eventId, ev, newJoins) : NO_JOINS;
    if (!ev || ev.status !== "RUNNING" || ev.run !== run) {
      if (joins.accepted.length > 0) await stamped();
      return { halted: true, status: ev?.status ?? "DELETED", run: ev?.run ?? run, joins };
    }
    // An actor removed or paused since it asked (perhaps through another instance) gets nothing more.
    const gone = { vendors: await inactiveAmong(tx, "vendor", releases.map((r) => r.vendorId)), customers: await inactiveAmong(tx, "customer", buyers.map((b) => b.customerId)) };
    releases = releases.map((r) => (gone.vendors.has(r.vendorId) ? { ...r, want: 0 } : r));
    // Checkout holds that are due go back to the pool first (ev's counters follow): the queue below is served from them before vendors release more.
    await expireDueHolds(tx, eventId, ev, new Date());
    // Simulated customers confirm the holds they decided to keep, once their time has come (the decision is on each hold's row).
    if (await confirmDueSimulatedHolds(tx, eventId, ev, new Date())) {
      await stamped();
      return { halted: true, status: "SOLD_OUT", run, joins };
    }
    const real = await queuedPurchases(tx, eventId, run);
    if (releases.length === 0 && buyers.length === 0 && real.length === 0) {
      if (joins.accepted.length > 0) await stamped();
      return { halted: false, roster: ev.roster, joins, plan: planSettlement(ev, [], []), tickets: [], purchaseIds: [], vendorStates: [], customerStates: [], gone, settledPurchases: [] };
    }

    const places = lineUp(buyers, real, gone.customers, simulatesHolds(ev));
    const plan = planSettlement(ev, releases, places, BATCH_LIMIT);
    const now = new Date();
    const where = { eventId, run, at: now };
    const counters = { released: ev.released, sold: ev.sold, available: ev.available, held: ev.held };
    const outcome = places.map((pl, k): Outcome => (plan.bought[k] >= pl.want || servedAsSimulatedHold(pl, plan.bought[k]) ? "COMPLETED" : plan.soldOut || plan.unfillable[k] ? "SOLD_OUT" : "QUEUED"));
    // A checkout hold served in full is HELD (not sold) until the database's clock passes its expiry.
    const heldPlace = (k: number) => places[k].hold && outcome[k] === "COMPLETED";
    const holdsServed = places.some((_, k) => heldPlace(k));
    const holdExpiresAt = holdsServed ? new Date((await databaseNow(tx)).getTime() + holdMs(ev.holdSeconds)) : null;
    served = places.filter((_, k) => outcome[k] === "COMPLETED").map((pl) => ({ vip: pl.vip, waitMs: now.getTime() - pl.at.getTime() }));

    const purchaseIds = await simulatedPurchaseIds(tx, eventId, run, buyers, places, outcome, now);
    const purchaseOf = (pl: Place) => (pl.kind === "sim" ? purchaseIds[pl.index] : real[pl.index].id);

    const pool = await oldestUnsold(tx, eventId, run, Math.min(plan.after.sold - ev.sold + plan.after.held - ev.held, ev.available));
    // Tickets still held sit between available ones: the batch's log ranges break around them.
    const heldIds = ev.held > 0 && pool.length > 0 ? await heldFrom(tx, eventId, run, pool[0]) : [];
    const allocation = allocate(plan, releases, places, pool, purchaseOf);
    const newIds = await insertTickets(tx, eventId, run, allocation.vendorIds, allocation.soldNew, now);
    await sellTickets(tx, eventId, run, allocation.poolSales, now);
    const moved = allocation.moves.map((m) => idsOf(m, newIds));
    const tickets = ticketsOfSimulated(plan, places, buyers.length, moved);
    const logs = moveRows(where, counters, plan, releases, places, moved, heldIds);

    // Real buyers' purchases and earlier simulated ones that this batch finished.
    const finished = places.map((pl, k) => ({ pl, k })).filter(({ pl, k }) => outcome[k] !== "QUEUED" && (pl.kind === "real" || buyers[pl.index].purchaseId !== null));
    // From here on, every write goes in one round trip before COMMIT (nothing below reads them back).
    const later = tx.deferred;
    await finishPurchases(later, finished.filter(({ k }) => !heldPlace(k)).map(({ pl, k }) => ({ id: purchaseOf(pl), status: outcome[k] as "COMPLETED" | "SOLD_OUT", waitMs: now.getTime() - pl.at.getTime() })), now);
    if (holdExpiresAt) await holdPurchases(later, finished.filter(({ pl, k }) => heldPlace(k) && pl.kind === "real").map(({ pl }) => ({ id: purchaseOf(pl), waitMs: now.getTime() - pl.at.getTime() })), holdExpiresAt);
    const simHolds = places.flatMap((pl, k) => (pl.kind === "sim" && heldPlace(k) ? [{ id: purchaseOf(pl), quantity: plan.bought[k], waitMs: now.getTime() - pl.at.getTime() }] : []));
    if (holdExpiresAt && simHolds.length) await holdSimulated(later, simHolds, holdExpiresAt, ev);
    for (const { pl, k } of finished) if (pl.kind === "real" && outcome[k] === "SOLD_OUT") logs.push(refusedRow(where, counters, pl));

    const vendorStates = releases.map((r, i) => nextState(plan.released[i] >= r.want, plan.exhausted, plan.truncated, r.state));
    const simBought = buyers.map(() => 0);
    const heldSimulated = buyers.map(() => false);
    places.forEach((pl, k) => {
      if (pl.kind === "sim") [simBought[pl.index], heldSimulated[pl.index]] = [plan.bought[k], heldPlace(k)];
    });
    const customerStates = buyers.map((b, i) => nextState(simBought[i] >= b.want || heldSimulated[i], plan.soldOut, plan.truncated, b.state));
    logs.push(...stateRows(where, counters, ev, releases, vendorStates, buyers, customerStates, gone.customers));
    if (plan.soldOut) {
      logs.push(soldOutRow(where, counters, ev.totalTickets));
      await answerQueueSoldOut(later, eventId, run, now);
    }

    await later.$executeRawUnsafe(
      "UPDATE Event SET released = ?, sold = ?, available = ?, held = ?, status = ?, updatedAt = ? WHERE id = ?",
      plan.after.released,
      plan.after.sold,
      plan.after.available,
      plan.after.held,
      plan.soldOut ? "SOLD_OUT" : "RUNNING",
      now,
      eventId,
    );
    await bumpActors(later, "vendor", changed(releases.map((r, i) => ({ id: r.vendorId, count: plan.released[i], state: vendorStates[i], was: r.state }))));
    await bumpActors(later, "customer", changed(buyers.map((b, i) => ({ id: b.customerId, count: simBought[i], state: customerStates[i], was: b.state }))));
    if (plan.soldOut) await markActorsDone(later, eventId);
    await appendLogs(later, logs);
    // Real buyers' completed purchases and the sell-out, in the outbox of the same transaction (nothing for simulated sales).
    const messages = webhookMessages(eventId, run, now, plan, places, outcome, real, moved, ev.totalTickets, holdExpiresAt);
    if (messages.length) await enqueueWebhooks(later, eventId, messages, now);
    await stamped();
    const hold = env().TEST_BATCH_DELAY_MS; // tests only: a kill can land in here
    if (hold > 0) await new Promise((resolve) => setTimeout(resolve, hold));
    const soldTo = new Map<number, bigint[]>(); // place → the tickets it bought in this batch
    plan.moves.forEach((m, i) => {
      if (m.kind === "sell") soldTo.set(m.index, [...(soldTo.get(m.index) ?? []), ...moved[i]]);
    });
    const settledPurchases = finished
      .filter(({ pl }) => pl.kind === "real")
      .map(({ pl, k }): Settled => {
        const ticketIds = soldTo.get(k) ?? [];
        if (heldPlace(k) && holdExpiresAt) return { id: purchaseOf(pl), status: "HELD", ticketIds, completedAt: null, waitMs: now.getTime() - pl.at.getTime(), holdExpiresAt };
        const status = outcome[k] as "COMPLETED" | "SOLD_OUT";
        return { id: purchaseOf(pl), status, ticketIds, completedAt: now, waitMs: status === "COMPLETED" ? now.getTime() - pl.at.getTime() : null };
      });
    return { halted: false, roster: ev.roster, joins, plan, tickets, purchaseIds, vendorStates, customerStates, gone, settledPurchases, heldSimulated };
  }, TX_TIMEOUT_MS);
  // Recorded once committed: a batch rolled back served nobody.
  timer();
  for (const p of served) metrics().purchaseWait.observe({ class: p.vip ? "vip" : "regular" }, p.waitMs / 1000);
  return settlement;
}

/** Only actors this batch moved tickets for or changed the state of: a thousand waiting customers cost nothing. */
function changed(actors: { id: number; count: number; state: ActorState; was: ActorState }[]): { id: number; count: number; state: ActorState }[] {
  return actors.filter((a) => a.count > 0 || a.state !== a.was);
}

/** Served in full: working on; otherwise done when the sale is over, else waiting (or as it was, when the batch was cut short). */
function nextState(served: boolean, over: boolean, truncated: boolean, was: ActorState): ActorState {
  if (served) return "WORKING";
  if (over) return "DONE";
  return truncated ? was : "WAITING";
}

/** The ticket ids each simulated buyer got in this batch. */
function ticketsOfSimulated(plan: Plan, places: Place[], simBuyers: number, moved: bigint[][]): bigint[][] {
  const tickets: bigint[][] = Array.from({ length: simBuyers }, () => []);
  plan.moves.forEach((move, i) => {
    const pl = places[move.index];
    if (move.kind === "sell" && pl.kind === "sim") tickets[pl.index].push(...moved[i]);
  });
  return tickets;
}

/** Every simulated buyer's purchase id; requests that have none yet get their row now, with the status this batch leaves them in. */
async function simulatedPurchaseIds(tx: Parameters<typeof recordSimulatedPurchases>[0], eventId: number, run: number, buyers: BuyDemand[], places: Place[], outcome: Outcome[], now: Date): Promise<bigint[]> {
  const ids = buyers.map((b) => b.purchaseId ?? 0n); // 0n: a removed customer's request, never recorded
  const fresh = places.map((pl, k) => ({ pl, k })).filter(({ pl }) => pl.kind === "sim" && buyers[pl.index].purchaseId === null);
  const created = await recordSimulatedPurchases(
    tx,
    eventId,
    run,
    fresh.map(({ pl, k }) => {
      const b = buyers[pl.index];
      return { customerId: b.customerId, buyer: b.name, vip: b.vip, quantity: b.quantity, requestedAt: b.joinedAt, status: outcome[k] };
    }),
    now,
  );
  fresh.forEach(({ pl }, n) => (ids[pl.index] = created[n]));
  return ids;
}
