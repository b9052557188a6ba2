import "server-only";
import { consecutiveIds, type HotSql, type Sql } from "@/lib/db/sql";
import { valuesList, type Literal } from "@/lib/db/literal";

// Ticket rows: a release inserts them (vendor, released at), a sale marks them (purchase, buyer,
// sold at) — or, for a ticket released and sold in the same batch, the insert writes both.
// Sales always take the event's oldest available tickets first. A checkout hold marks its
// tickets with the purchase and buyer but leaves soldAt empty until it is confirmed; a hold that
// returns clears them again, so returned tickets are the oldest available ones and are served
// first. Held tickets may then sit between available ones: a sale's id range still names
// exactly its tickets among the available ones (held rows are excluded by purchaseId), and its
// log rows are split around the held tickets (heldFrom, splitAround).
// Called inside a pool batch, with the event row locked by the caller.

const ROWS_PER_INSERT = 10_000;

/** Who buys a ticket: a simulated customer (customerId) or a real buyer, and the purchase it fills. */
export type Buyer = { customerId: number | null; name: string; purchaseId: bigint; held?: boolean };

/**
 * Inserts the batch's new tickets, one per vendor id given, in order; the first `soldTo.length`
 * of them are sold in this same batch and are written sold at once (no second write). Returns
 * the new ticket ids in the same order.
 */
export async function insertTickets(tx: HotSql, eventId: number, run: number, vendorIds: number[], soldTo: Buyer[], now: Date): Promise<bigint[]> {
  if (vendorIds.length === 0) return [];
  const consecutive = await consecutiveIds(tx);
  const ids: bigint[] = [];
  let firstId: bigint | null = null;
  for (let i = 0; i < vendorIds.length; i += ROWS_PER_INSERT) {
    const rows: Literal[][] = [];
    for (let k = i; k < Math.min(i + ROWS_PER_INSERT, vendorIds.length); k++) {
      const b = soldTo[k];
      rows.push([eventId, run, vendorIds[k], now, b ? b.customerId : null, b ? b.name : null, b ? b.purchaseId : null, b && !b.held ? now : null]);
    }
    const { firstId: first } = await tx.insert(`INSERT INTO Ticket (eventId, run, vendorId, releasedAt, customerId, buyer, purchaseId, soldAt) VALUES ${valuesList(rows)}`);
    firstId ??= first;
    if (consecutive) for (let k = 0; k < rows.length; k++) ids.push(first + BigInt(k));
  }
  if (consecutive) {
    // One multi-row INSERT gets consecutive ids in this lock mode; a count (no rows sent) confirms it.
    const [check] = await tx.$queryRawUnsafe<{ n: bigint }[]>("SELECT COUNT(*) AS n FROM Ticket WHERE eventId = ? AND id >= ? AND id <= ?", eventId, ids[0], ids[ids.length - 1]);
    if (Number(check.n) === ids.length) return ids;
  }
  // Auto-increment ids only grow and we hold the event's lock, so this event's rows from
  // firstId on are exactly the ones just inserted, in order (ids need not be consecutive).
  const found = await tx.$queryRawUnsafe<{ id: bigint }[]>("SELECT id FROM Ticket WHERE eventId = ? AND id >= ? ORDER BY id", eventId, firstId);
  if (found.length !== vendorIds.length) throw new Error(`Inserted ${vendorIds.length} tickets but found ${found.length}`);
  return found.map((r) => BigInt(r.id));
}

/** The event's `count` oldest available tickets of the run (unsold and not held), locked for this batch. */
export async function oldestUnsold(tx: Sql, eventId: number, run: number, count: number): Promise<bigint[]> {
  if (count <= 0) return [];
  const rows = await tx.$queryRawUnsafe<{ id: bigint }[]>(
    "SELECT id FROM Ticket WHERE eventId = ? AND run = ? AND soldAt IS NULL AND purchaseId IS NULL ORDER BY id LIMIT ? FOR UPDATE",
    eventId,
    run,
    count,
  );
  if (rows.length < count) throw new Error(`Pool of event ${eventId} holds ${rows.length} tickets, counters say ${count}`);
  return rows.map((r) => BigInt(r.id));
}

export type Sale = Buyer & { ids: bigint[] };

/**
 * Each sale is a run of consecutive tickets among the event's oldest unsold ones (locked
 * above), so a chunk of sales is one UPDATE over the chunk's id range with a CASE per sale;
 * other events' rows in the range are excluded by eventId and run.
 */
export async function sellTickets(tx: Sql, eventId: number, run: number, sales: Sale[], now: Date): Promise<void> {
  const SALES_PER_STATEMENT = 300;
  for (let i = 0; i < sales.length; i += SALES_PER_STATEMENT) {
    const chunk = sales.slice(i, i + SALES_PER_STATEMENT);
    const params: unknown[] = [];
    const cases = (value: (s: Sale) => unknown) =>
      chunk.map((s) => (params.push(s.ids[0], s.ids[s.ids.length - 1], value(s)), "WHEN id BETWEEN ? AND ? THEN ?")).join(" ");
    const customer = cases((s) => s.customerId);
    const buyer = cases((s) => s.name);
    const purchase = cases((s) => s.purchaseId);
    const soldAt = cases((s) => (s.held ? null : now));
    const expected = chunk.reduce((n, s) => n + s.ids.length, 0);
    const last = chunk[chunk.length - 1].ids;
    params.push(eventId, run, chunk[0].ids[0], last[last.length - 1]);
    const changed = await tx.$executeRawUnsafe(
      `UPDATE Ticket SET customerId = CASE ${customer} END, buyer = CASE ${buyer} END, purchaseId = CASE ${purchase} END, soldAt = CASE ${soldAt} END WHERE eventId = ? AND run = ? AND soldAt IS NULL AND purchaseId IS NULL AND id BETWEEN ? AND ?`,
      ...params,
    );
    // A ticket sold twice would be the worst bug this product can have: refuse the batch.
    if (changed !== expected) throw new Error(`Sold ${changed} of ${expected} tickets: the pool changed under the lock`);
  }
}

/** The run's held tickets from `fromId` on (at most the pool's capacity of them): where sales' log ranges must break. */
export async function heldFrom(tx: Sql, eventId: number, run: number, fromId: bigint): Promise<bigint[]> {
  const rows = await tx.$queryRawUnsafe<{ id: bigint }[]>("SELECT id FROM Ticket WHERE eventId = ? AND run = ? AND soldAt IS NULL AND purchaseId IS NOT NULL AND id >= ? ORDER BY id", eventId, run, fromId);
  return rows.map((r) => BigInt(r.id));
}
