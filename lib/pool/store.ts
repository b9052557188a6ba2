import "server-only";
import { db } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { appendLogs, type LogRow } from "@/lib/events/log";
import { AppError } from "@/lib/errors";
import { count } from "@/lib/format";
import { newPublicId } from "@/lib/purchases/ids";
import { planSettlement, type Plan, type PoolNumbers } from "./plan";

// The one place that changes the pool in the database. Every batch is one transaction that
// first locks the event row (FOR UPDATE): that row lock serialises pool changes across every
// process on the database, and the CHECK constraints on Event back the arithmetic up.

export type ActorState = "WORKING" | "WAITING" | "PAUSED" | "DONE";

export type ReleaseDemand = { vendorId: number; name: string; want: number; state: ActorState };
/** A simulated customer's request: `want` is what is still missing of `quantity`. */
export type BuyDemand = {
  customerId: number;
  name: string;
  vip: boolean;
  want: number;
  quantity: number;
  state: ActorState;
  purchaseId: bigint | null;
  joinedAt: Date;
};

export type Settlement =
  | { halted: true; status: string; run: number }
  | {
      halted: false;
      plan: Plan;
      /** Ticket ids sold to each simulated buyer, in the buyers' order. */
      tickets: bigint[][];
      /** The purchase row of each simulated buyer (created by this batch when it had none). */
      purchaseIds: bigint[];
      vendorStates: ActorState[];
      customerStates: ActorState[];
      /** Actors removed (by any process) since they asked: their requests end here. */
      gone: { vendors: Set<number>; customers: Set<number> };
      /** Real buyers' purchases this batch served or refused. */
      settledPurchases: bigint[];
    };

/** A real buyer's purchase waiting in the queue (from the API or the buyer page). */
type QueuedPurchase = { id: bigint; buyer: string; vip: boolean; quantity: number; requestedAt: Date };

/** One place in the serving order: a simulated customer's request or a real buyer's purchase. */
type Place =
  | { kind: "sim"; index: number; vip: boolean; at: Date; name: string; customerId: number | null }
  | { kind: "real"; index: number; vip: boolean; at: Date; name: string; customerId: null };

type Tx = Prisma.TransactionClient;

type EventRow = PoolNumbers & { status: string; run: number; maxTicketsPerBuyer: number | null };

const TX_OPTIONS = { maxWait: 10_000, timeout: 30_000 } as const;
/** Tickets moved (released + sold) per transaction at most: keeps the event's lock short. */
export const BATCH_LIMIT = 4_000;
const CHUNK = 500;

export async function lockEvent(tx: Tx, eventId: number): Promise<EventRow | null> {
  const rows = await tx.$queryRawUnsafe<EventRow[]>(
    "SELECT status, run, totalTickets, maxTicketCapacity, released, sold, available, maxTicketsPerBuyer FROM Event WHERE id = ? FOR UPDATE",
    eventId,
  );
  return rows[0] ?? null;
}

/** lockEvent for operations on an event that must exist: an unknown id is a 404. */
export async function lockEventOrThrow(tx: Tx, eventId: number): Promise<EventRow> {
  const ev = await lockEvent(tx, eventId);
  if (!ev) throw new AppError("not_found", `There is no event with id ${eventId}`);
  return ev;
}

/** Closes queued purchases (a stopped simulation, a reset run, a removed or paused customer). */
export async function cancelQueuedPurchases(tx: Tx, where: { eventId: number; run: number; simulatedOnly: boolean } | { customerId: number }): Promise<void> {
  if ("customerId" in where) {
    await tx.$executeRawUnsafe("UPDATE Purchase SET status = 'CANCELLED', completedAt = ? WHERE customerId = ? AND status = 'QUEUED'", new Date(), where.customerId);
  } else {
    await tx.$executeRawUnsafe(
      `UPDATE Purchase SET status = 'CANCELLED', completedAt = ? WHERE eventId = ? AND run = ? AND status = 'QUEUED'${where.simulatedOnly ? " AND source = 'SIMULATION'" : ""}`,
      new Date(),
      where.eventId,
      where.run,
    );
  }
}

export async function settle(
  eventId: number,
  run: number,
  releases: ReleaseDemand[],
  buyers: BuyDemand[],
): Promise<Settlement> {
  return db().$transaction(async (tx) => {
    const ev = await lockEvent(tx, eventId);
    if (!ev || ev.status !== "RUNNING" || ev.run !== run) {
      return { halted: true, status: ev?.status ?? "DELETED", run: ev?.run ?? run };
    }
    // An actor removed since it asked (perhaps by another process) gets nothing more.
    const gone = { vendors: await removedAmong(tx, "Vendor", releases.map((r) => r.vendorId)), customers: await removedAmong(tx, "Customer", buyers.map((b) => b.customerId)) };
    releases = releases.map((r) => (gone.vendors.has(r.vendorId) ? { ...r, want: 0 } : r));

    // One queue for everyone: simulated requests and real buyers' purchases, VIPs first,
    // then by the moment each joined.
    const real = await queuedPurchases(tx, eventId, run);
    if (releases.length === 0 && buyers.length === 0 && real.length === 0) {
      const idle = planSettlement(ev, [], []);
      return { halted: false, plan: idle, tickets: [], purchaseIds: [], vendorStates: [], customerStates: [], gone, settledPurchases: [] };
    }
    const places: Place[] = [
      ...buyers
        .map((b, index): Place => ({ kind: "sim", index, vip: b.vip, at: b.joinedAt, name: b.name, customerId: b.customerId }))
        .filter((pl) => !gone.customers.has(buyers[pl.index].customerId)),
      ...real.map((r, index): Place => ({ kind: "real", index, vip: r.vip, at: r.requestedAt, name: r.buyer, customerId: null })),
    ].sort((x, y) => Number(y.vip) - Number(x.vip) || x.at.getTime() - y.at.getTime());
    const demands = places.map((pl) => (pl.kind === "sim" ? { want: buyers[pl.index].want } : { want: real[pl.index].quantity, allOrNothing: true }));
    const plan = planSettlement(ev, releases, demands, BATCH_LIMIT);
    const now = new Date();
    const logs: LogRow[] = [];
    const base = { eventId, run, at: now };
    const counters = { released: ev.released, sold: ev.sold, available: ev.available };

    // Purchase rows: simulated requests get theirs with the status this batch leaves them in.
    const placeStatus = places.map((pl, k): "QUEUED" | "COMPLETED" | "SOLD_OUT" => {
      if (plan.bought[k] >= demands[k].want) return "COMPLETED";
      if (plan.soldOut || plan.unfillable[k]) return "SOLD_OUT";
      return "QUEUED";
    });
    const purchaseIds = await recordSimulatedPurchases(tx, eventId, run, buyers, places, placeStatus, now);
    const purchaseOf = (pl: Place) => (pl.kind === "sim" ? purchaseIds[pl.index] : real[pl.index].id);

    const newTickets = await insertTickets(tx, eventId, run, plan, releases, now);
    const toSell = plan.after.sold - ev.sold;
    const unsold = toSell > 0 ? await oldestUnsold(tx, eventId, run, toSell) : [];
    if (unsold.length < toSell) throw new Error(`Pool of event ${eventId} holds ${unsold.length} tickets, counters say ${toSell}`);

    const tickets: bigint[][] = buyers.map(() => []);
    const sales: Sale[] = [];
    let nextNew = 0;
    let nextUnsold = 0;
    for (const move of plan.moves) {
      if (move.kind === "sell") {
        const pl = places[move.index];
        sales.push({ customerId: pl.customerId, name: pl.name, purchaseId: purchaseOf(pl), ids: unsold.slice(nextUnsold, nextUnsold + move.count) });
      }
      for (let k = 0; k < move.count; k++) {
        if (move.kind === "release") {
          const id = newTickets[nextNew++];
          counters.released++;
          counters.available++;
          const v = releases[move.index];
          logs.push({ ...base, ...counters, kind: "RELEASED", actor: v.name, ticketId: id, message: `${v.name} released ticket #${id}` });
        } else {
          const id = unsold[nextUnsold++];
          counters.sold++;
          counters.available--;
          const pl = places[move.index];
          if (pl.kind === "sim") tickets[pl.index].push(id);
          logs.push({ ...base, ...counters, kind: "SOLD", actor: pl.name, vip: pl.vip, ticketId: id, message: `${pl.name} bought ticket #${id}${pl.kind === "real" ? " (real buyer)" : ""}` });
        }
      }
    }
    await sellTickets(tx, eventId, run, sales, now);

    // Real buyers' purchases and earlier simulated ones that this batch finished.
    const finished = places
      .map((pl, k) => ({ pl, k }))
      .filter(({ pl, k }) => placeStatus[k] !== "QUEUED" && (pl.kind === "real" || buyers[pl.index].purchaseId !== null));
    await finishPurchases(tx, finished.map(({ pl, k }) => ({ id: purchaseOf(pl), status: placeStatus[k] as "COMPLETED" | "SOLD_OUT", waitMs: now.getTime() - pl.at.getTime() })), now);
    for (const { pl, k } of finished) {
      if (pl.kind === "real" && placeStatus[k] === "SOLD_OUT") {
        logs.push({ ...base, ...counters, kind: "REFUSED", actor: pl.name, vip: pl.vip, message: `${pl.name} asked for ${count(real[pl.index].quantity)}: sold out, nothing charged` });
      }
    }

    const vendorStates = releases.map((r, i): ActorState => {
      if (plan.released[i] >= r.want) return "WORKING";
      if (plan.exhausted) return "DONE";
      return plan.truncated ? r.state : "WAITING";
    });
    const simBought = buyers.map(() => 0);
    places.forEach((pl, k) => {
      if (pl.kind === "sim") simBought[pl.index] = plan.bought[k];
    });
    const customerStates = buyers.map((b, i): ActorState => {
      if (simBought[i] >= b.want) return "WORKING";
      if (plan.soldOut) return "DONE";
      return plan.truncated ? b.state : "WAITING";
    });
    releases.forEach((r, i) => {
      if (vendorStates[i] === r.state) return;
      if (vendorStates[i] === "WAITING") logs.push({ ...base, ...counters, kind: "POOL_FULL", actor: r.name, message: `${r.name} waits: the pool is full (${count(ev.maxTicketCapacity)} tickets)` });
      if (vendorStates[i] === "DONE") logs.push({ ...base, ...counters, kind: "VENDOR_DONE", actor: r.name, message: `${r.name} is done: all ${count(ev.totalTickets)} tickets are released` });
    });
    buyers.forEach((b, i) => {
      if (customerStates[i] === "WAITING" && b.state !== "WAITING" && !gone.customers.has(b.customerId)) {
        logs.push({ ...base, ...counters, kind: "WAITING", actor: b.name, vip: b.vip, message: `${b.name} is waiting for a ticket` });
      }
    });
    if (plan.soldOut) {
      logs.push({ ...base, ...counters, kind: "SOLD_OUT", actor: "system", message: `Sold out: all ${count(ev.totalTickets)} tickets are sold` });
      // Everyone still in line, however far back, is answered now.
      await tx.$executeRawUnsafe("UPDATE Purchase SET status = 'SOLD_OUT', completedAt = ? WHERE eventId = ? AND run = ? AND status = 'QUEUED'", now, eventId, run);
    }

    await tx.$executeRawUnsafe(
      "UPDATE Event SET released = ?, sold = ?, available = ?, status = ?, updatedAt = ? WHERE id = ?",
      plan.after.released,
      plan.after.sold,
      plan.after.available,
      plan.soldOut ? "SOLD_OUT" : "RUNNING",
      now,
      eventId,
    );
    await bumpActors(tx, "Vendor", "released", releases.map((r) => r.vendorId), plan.released, vendorStates);
    await bumpActors(tx, "Customer", "bought", buyers.map((b) => b.customerId), simBought, customerStates);
    if (plan.soldOut) {
      await tx.$executeRawUnsafe("UPDATE Vendor SET state = 'DONE' WHERE eventId = ? AND removedAt IS NULL", eventId);
      await tx.$executeRawUnsafe("UPDATE Customer SET state = 'DONE' WHERE eventId = ? AND removedAt IS NULL", eventId);
    }
    await appendLogs(tx, logs);
    const settledPurchases = finished.filter(({ pl }) => pl.kind === "real").map(({ pl }) => purchaseOf(pl));
    return { halted: false, plan, tickets, purchaseIds, vendorStates, customerStates, gone, settledPurchases };
  }, TX_OPTIONS);
}

async function removedAmong(tx: Tx, table: "Vendor" | "Customer", ids: number[]): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const rows = await tx.$queryRawUnsafe<{ id: number }[]>(
    `SELECT id FROM ${table} WHERE id IN (${ids.map(() => "?").join(",")}) AND removedAt IS NOT NULL`,
    ...ids,
  );
  return new Set(rows.map((r) => Number(r.id)));
}

async function insertTickets(tx: Tx, eventId: number, run: number, plan: Plan, releases: ReleaseDemand[], now: Date): Promise<bigint[]> {
  const vendorIds: number[] = [];
  for (const move of plan.moves) {
    if (move.kind === "release") for (let k = 0; k < move.count; k++) vendorIds.push(releases[move.index].vendorId);
  }
  if (vendorIds.length === 0) return [];
  let firstId: bigint | null = null;
  for (let i = 0; i < vendorIds.length; i += CHUNK) {
    const chunk = vendorIds.slice(i, i + CHUNK);
    await tx.$executeRawUnsafe(
      `INSERT INTO Ticket (eventId, run, vendorId, releasedAt) VALUES ${chunk.map(() => "(?,?,?,?)").join(",")}`,
      ...chunk.flatMap((v) => [eventId, run, v, now]),
    );
    if (firstId === null) {
      const [row] = await tx.$queryRawUnsafe<{ id: bigint }[]>("SELECT LAST_INSERT_ID() AS id");
      firstId = BigInt(row.id);
    }
  }
  // Auto-increment ids only grow and we hold the event's lock, so this event's rows from
  // firstId on are exactly the ones just inserted (ids need not be consecutive).
  const rows = await tx.$queryRawUnsafe<{ id: bigint; vendorId: number }[]>(
    "SELECT id, vendorId FROM Ticket WHERE eventId = ? AND id >= ? ORDER BY id",
    eventId,
    firstId,
  );
  if (rows.length !== vendorIds.length) throw new Error(`Inserted ${vendorIds.length} tickets but found ${rows.length}`);
  return rows.map((r) => BigInt(r.id));
}

async function oldestUnsold(tx: Tx, eventId: number, run: number, count: number): Promise<bigint[]> {
  const rows = await tx.$queryRawUnsafe<{ id: bigint }[]>(
    "SELECT id FROM Ticket WHERE eventId = ? AND run = ? AND soldAt IS NULL ORDER BY id LIMIT ? FOR UPDATE",
    eventId,
    run,
    count,
  );
  return rows.map((r) => BigInt(r.id));
}

type Sale = { customerId: number | null; name: string; purchaseId: bigint; ids: bigint[] };

/**
 * Each sale is a run of consecutive tickets among the event's oldest unsold ones (locked
 * above), so a chunk of sales is one UPDATE over the chunk's id range with a CASE per sale;
 * other events' rows in the range are excluded by eventId and run.
 */
async function sellTickets(tx: Tx, eventId: number, run: number, sales: Sale[], now: Date): Promise<void> {
  const SALES_PER_STATEMENT = 300;
  for (let i = 0; i < sales.length; i += SALES_PER_STATEMENT) {
    const chunk = sales.slice(i, i + SALES_PER_STATEMENT);
    const params: unknown[] = [];
    const cases = (value: (s: Sale) => unknown) =>
      chunk.map((s) => (params.push(s.ids[0], s.ids[s.ids.length - 1], value(s)), "WHEN id BETWEEN ? AND ? THEN ?")).join(" ");
    const customer = cases((s) => s.customerId);
    const buyer = cases((s) => s.name);
    const purchase = cases((s) => s.purchaseId);
    const expected = chunk.reduce((n, s) => n + s.ids.length, 0);
    params.push(now, eventId, run, chunk[0].ids[0], chunk[chunk.length - 1].ids[chunk[chunk.length - 1].ids.length - 1]);
    const changed = await tx.$executeRawUnsafe(
      `UPDATE Ticket SET customerId = CASE ${customer} END, buyer = CASE ${buyer} END, purchaseId = CASE ${purchase} END, soldAt = ? WHERE eventId = ? AND run = ? AND soldAt IS NULL AND id BETWEEN ? AND ?`,
      ...params,
    );
    // A ticket sold twice would be the worst bug this product can have: refuse the batch.
    if (changed !== expected) throw new Error(`Sold ${changed} of ${expected} tickets: the pool changed under the lock`);
  }
}

/** Real buyers' purchases still waiting, in serving order (the first 1,000 are plenty for one batch). */
async function queuedPurchases(tx: Tx, eventId: number, run: number): Promise<QueuedPurchase[]> {
  const rows = await tx.$queryRawUnsafe<QueuedPurchase[]>(
    "SELECT id, buyer, vip, quantity, requestedAt FROM Purchase WHERE eventId = ? AND run = ? AND status = 'QUEUED' AND source <> 'SIMULATION' ORDER BY vip DESC, requestedAt, id LIMIT 1000",
    eventId,
    run,
  );
  return rows.map((r) => ({ ...r, id: BigInt(r.id), vip: Boolean(r.vip) }));
}

/** Creates the purchase rows of simulated requests that have none yet; returns every simulated buyer's purchase id. */
async function recordSimulatedPurchases(tx: Tx, eventId: number, run: number, buyers: BuyDemand[], places: Place[], status: string[], now: Date): Promise<bigint[]> {
  const ids = buyers.map((b) => b.purchaseId ?? 0n); // 0n: a removed customer's request, never recorded
  const fresh = places.map((pl, k) => ({ pl, k })).filter(({ pl }) => pl.kind === "sim" && buyers[pl.index].purchaseId === null);
  if (fresh.length === 0) return ids;
  let firstId: bigint | null = null;
  const publicIds: string[] = [];
  for (let i = 0; i < fresh.length; i += CHUNK) {
    const chunk = fresh.slice(i, i + CHUNK);
    const params: unknown[] = [];
    for (const { pl, k } of chunk) {
      const b = buyers[pl.index];
      const publicId = newPublicId();
      publicIds.push(publicId);
      const done = status[k] !== "QUEUED";
      params.push(publicId, eventId, run, b.customerId, b.name, b.vip, b.quantity, status[k], b.joinedAt, done ? now : null, status[k] === "COMPLETED" ? now.getTime() - b.joinedAt.getTime() : null);
    }
    await tx.$executeRawUnsafe(
      `INSERT INTO Purchase (publicId, eventId, run, customerId, buyer, vip, quantity, source, status, requestedAt, completedAt, waitMs) VALUES ${chunk.map(() => "(?,?,?,?,?,?,?,'SIMULATION',?,?,?,?)").join(",")}`,
      ...params,
    );
    if (firstId === null) {
      const [row] = await tx.$queryRawUnsafe<{ id: bigint }[]>("SELECT LAST_INSERT_ID() AS id");
      firstId = BigInt(row.id);
    }
  }
  // As for tickets: under the event's lock, this event's simulated rows from firstId on are ours.
  const rows = await tx.$queryRawUnsafe<{ id: bigint; publicId: string }[]>(
    "SELECT id, publicId FROM Purchase WHERE eventId = ? AND source = 'SIMULATION' AND id >= ?",
    eventId,
    firstId,
  );
  const byPublic = new Map(rows.map((r) => [r.publicId, BigInt(r.id)]));
  fresh.forEach(({ pl }, n) => {
    const id = byPublic.get(publicIds[n]);
    if (id === undefined) throw new Error("A purchase row just inserted was not found");
    ids[pl.index] = id;
  });
  return ids;
}

async function finishPurchases(tx: Tx, done: { id: bigint; status: "COMPLETED" | "SOLD_OUT"; waitMs: number }[], now: Date): Promise<void> {
  for (let i = 0; i < done.length; i += CHUNK) {
    const chunk = done.slice(i, i + CHUNK);
    const params: unknown[] = [];
    const status = chunk.map((d) => (params.push(d.id, d.status), "WHEN ? THEN ?")).join(" ");
    const wait = chunk.map((d) => (params.push(d.id, d.status === "COMPLETED" ? d.waitMs : null), "WHEN ? THEN ?")).join(" ");
    params.push(now, ...chunk.map((d) => d.id));
    await tx.$executeRawUnsafe(
      `UPDATE Purchase SET status = CASE id ${status} END, waitMs = CASE id ${wait} END, completedAt = ? WHERE id IN (${chunk.map(() => "?").join(",")}) AND status = 'QUEUED'`,
      ...params,
    );
  }
}

async function bumpActors(tx: Tx, table: "Vendor" | "Customer", column: "released" | "bought", ids: number[], counts: number[], states: ActorState[]): Promise<void> {
  if (ids.length === 0) return;
  const params: unknown[] = [];
  const count = ids.map((id, i) => (params.push(id, counts[i]), "WHEN ? THEN ?")).join(" ");
  const state = ids.map((id, i) => (params.push(id, states[i]), "WHEN ? THEN ?")).join(" ");
  params.push(...ids);
  await tx.$executeRawUnsafe(
    `UPDATE ${table} SET ${column} = ${column} + CASE id ${count} ELSE 0 END, state = CASE id ${state} ELSE state END WHERE id IN (${ids.map(() => "?").join(",")}) AND removedAt IS NULL`,
    ...params,
  );
}
