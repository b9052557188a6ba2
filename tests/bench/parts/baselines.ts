import mysql from "mysql2/promise";
import { createTestDatabase, useDatabase } from "../../helpers/database";

// The two yardsticks for the engine: the same sale done the obvious way (one Prisma
// interactive transaction per ticket), and the ceiling (batched raw SQL, no engine, the same
// rows written: a ticket row per ticket, sold, and a log row per batch).

/** One Prisma interactive transaction per ticket: lock the event, write the ticket sold, its purchase and a log row, update the counters. */
export async function naiveSale(tickets = 10_000, workers = 8): Promise<number> {
  const t = await createTestDatabase("naive");
  useDatabase(t.url);
  const { createEvent } = await import("../../../lib/events/create");
  const { db } = await import("../../../lib/db/client");
  try {
    const id = await createEvent({ name: "Naive", totalTickets: tickets, maxTicketCapacity: tickets, ticketReleaseRate: 1, customerRetrievalRate: 1, vendors: 1, customers: 1, vipCustomers: 0 });
    const vendor = await db().vendor.findFirstOrThrow({ where: { eventId: id } });
    const customer = await db().customer.findFirstOrThrow({ where: { eventId: id } });
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: workers }, async () => {
        while (next++ < tickets) {
          await db().$transaction(async (tx) => {
            const [ev] = await tx.$queryRawUnsafe<{ released: number; sold: number; run: number; logSeq: bigint }[]>("SELECT released, sold, run, logSeq FROM Event WHERE id = ? FOR UPDATE", id);
            const purchase = await tx.purchase.create({ data: { publicId: `p_naive${ev.released}`, eventId: id, run: ev.run, customerId: customer.id, buyer: customer.name, quantity: 1, source: "SIMULATION", status: "COMPLETED", requestedAt: new Date(), completedAt: new Date(), waitMs: 0 } });
            const ticket = await tx.ticket.create({ data: { eventId: id, run: ev.run, vendorId: vendor.id, releasedAt: new Date(), customerId: customer.id, buyer: customer.name, purchaseId: purchase.id, soldAt: new Date() } });
            await tx.event.update({ where: { id }, data: { released: ev.released + 1, sold: ev.sold + 1, logSeq: BigInt(ev.logSeq) + 1n } });
            await tx.eventLog.create({ data: { eventId: id, seq: BigInt(ev.logSeq) + 1n, run: ev.run, kind: "SOLD", actor: customer.name, ticketId: ticket.id, lastTicketId: ticket.id, tickets: 1, message: `sold #${ticket.id}`, released: ev.released + 1, sold: ev.sold + 1, available: 0 } });
          });
        }
      }),
    );
    return Math.round(tickets / ((performance.now() - started) / 1000));
  } finally {
    const { closeDb } = await import("../../../lib/db/client");
    await closeDb();
    await t.drop();
  }
}

/** Batched raw SQL on one connection: transactions of `batch` tickets, each ticket inserted sold, one log row and one counter update per batch. */
export async function rawBatchedSale(tickets = 200_000, batch = 10_000): Promise<number> {
  const t = await createTestDatabase("raw");
  const sql = await mysql.createConnection({ uri: t.url });
  try {
    await sql.query("INSERT INTO Event (name, totalTickets, maxTicketCapacity, ticketReleaseRate, customerRetrievalRate, updatedAt) VALUES ('Raw', ?, ?, 1, 1, NOW(3))", [tickets, batch]);
    const [[{ id }]] = (await sql.query("SELECT LAST_INSERT_ID() AS id")) as unknown as [[{ id: number }]];
    const started = performance.now();
    for (let done = 0; done < tickets; done += batch) {
      await sql.beginTransaction();
      await sql.query("SELECT released FROM Event WHERE id = ? FOR UPDATE", [id]);
      const now = new Date();
      for (let i = 0; i < batch; i += 2_000) {
        const rows = Array.from({ length: Math.min(2_000, batch - i) }, () => [id, 1, 1, now, 1, "Customer", 1, now]);
        await sql.query("INSERT INTO Ticket (eventId, run, vendorId, releasedAt, customerId, buyer, purchaseId, soldAt) VALUES ?", [rows]);
      }
      await sql.query("INSERT INTO EventLog (eventId, seq, run, kind, actor, tickets, message, released, sold, available) VALUES (?, ?, 1, 'SOLD', 'Customer', ?, 'batch', ?, ?, 0)", [id, done / batch + 1, batch, done + batch, done + batch]);
      await sql.query("UPDATE Event SET released = ?, sold = ?, available = 0, logSeq = ? WHERE id = ?", [done + batch, done + batch, done / batch + 1, id]);
      await sql.commit();
    }
    return Math.round(tickets / ((performance.now() - started) / 1000));
  } finally {
    await sql.end();
    await t.drop();
  }
}
