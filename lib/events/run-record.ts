import "server-only";
import type { Sql } from "@/lib/db/sql";

// The configuration a run starts with, kept for run history (the Event row only holds the
// current numbers, which a PATCH or the next run may change). Written once, when the run
// first starts, inside the start's transaction; a resume keeps the first record.

export async function recordRunStart(tx: Pick<Sql, "$executeRawUnsafe">, eventId: number, run: number): Promise<void> {
  await tx.$executeRawUnsafe(
    `INSERT IGNORE INTO EventRun (eventId, run, startedAt, totalTickets, maxTicketCapacity, ticketReleaseRate, customerRetrievalRate, vendors, customers, vipCustomers)
     SELECT e.id, ?, ?, e.totalTickets, e.maxTicketCapacity, e.ticketReleaseRate, e.customerRetrievalRate,
       (SELECT COUNT(*) FROM Vendor v WHERE v.eventId = e.id AND v.removedAt IS NULL),
       (SELECT COUNT(*) FROM Customer c WHERE c.eventId = e.id AND c.removedAt IS NULL),
       (SELECT COUNT(*) FROM Customer c WHERE c.eventId = e.id AND c.removedAt IS NULL AND c.vip)
     FROM Event e WHERE e.id = ?`,
    run,
    new Date(),
    eventId,
  );
}
