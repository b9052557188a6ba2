import { createTestDatabase, useDatabase } from "../../helpers/database";
import { assertPoolInvariants } from "../../helpers/invariants";
import { spawnDriver } from "../../helpers/spawn";

// The engine alone, end to end (actors → batches → MySQL with every ticket row and log row),
// driven by a separate app process on a fresh database; the invariants are checked after.

export type SaleOptions = { tickets: number; capacity: number; vendors: number; customers: number; release: number; buy: number; processes: number };

export const FLASH_SALE: SaleOptions = { tickets: 200_000, capacity: 10_000, vendors: 50, customers: 2_000, release: 10_000, buy: 10_000, processes: 1 };

export async function runSale(o: SaleOptions): Promise<{ ticketsPerSec: number; seconds: number; logRows: number; batches: number; status: string }> {
  const t = await createTestDatabase("bench");
  useDatabase(t.url);
  const { createEvent } = await import("../../../lib/events/create");
  try {
    const id = await createEvent({ name: "Benchmark", totalTickets: o.tickets, maxTicketCapacity: o.capacity, ticketReleaseRate: o.release, customerRetrievalRate: o.buy, vendors: o.vendors, customers: o.customers, vipCustomers: Math.floor(o.customers / 10) });
    await t.sql.query("UPDATE Event SET status = 'RUNNING' WHERE id = ?", [id]);
    const drivers = Array.from({ length: o.processes }, () => spawnDriver(t.url, id, "drive"));
    await Promise.all(drivers.map((d) => d.exited));
    const final = await assertPoolInvariants(t.sql, id);
    const [rows] = await t.sql.query(
      "SELECT TIMESTAMPDIFF(MICROSECOND, MIN(createdAt), MAX(createdAt)) / 1e6 AS span, COUNT(*) AS logRows FROM EventLog WHERE eventId = ? AND kind IN ('RELEASED', 'SOLD')",
      [id],
    );
    const { span, logRows } = (rows as { span: number; logRows: number }[])[0];
    return { ticketsPerSec: Math.round(final.sold / Number(span)), seconds: Number(span), logRows: Number(logRows), batches: drivers.reduce((s, d) => s + (d.totals?.batches ?? 0), 0), status: final.status };
  } finally {
    await t.drop();
  }
}
