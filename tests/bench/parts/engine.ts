import { createTestDatabase } from "../../helpers/database";
import { assertPoolInvariants } from "../../helpers/invariants";
import { spawnDriver } from "../../helpers/spawn";

// The engine alone, end to end (actors → batches → MySQL with every ticket row and log row),
// driven by a separate app process on a fresh database; the invariants are checked after.

export type SaleOptions = { tickets: number; capacity: number; vendors: number; customers: number; release: number; buy: number; processes: number };

export const FLASH_SALE: SaleOptions = { tickets: 200_000, capacity: 10_000, vendors: 50, customers: 2_000, release: 10_000, buy: 10_000, processes: 1 };

export async function runSale(o: SaleOptions): Promise<{ ticketsPerSec: number; seconds: number; logRows: number; batches: number; status: string }> {
  const t = await createTestDatabase("bench");
  try {
    // Written with plain SQL: this process keeps no app state of its own (the driver process has it).
    await t.sql.query("INSERT INTO Event (name, status, totalTickets, maxTicketCapacity, ticketReleaseRate, customerRetrievalRate, updatedAt) VALUES ('Benchmark', 'RUNNING', ?, ?, ?, ?, NOW(3))", [o.tickets, o.capacity, o.release, o.buy]);
    const [[{ id }]] = (await t.sql.query("SELECT LAST_INSERT_ID() AS id")) as unknown as [[{ id: number }]];
    const vip = Math.floor(o.customers / 10);
    await t.sql.query("INSERT INTO Vendor (eventId, name, state) VALUES ?", [Array.from({ length: o.vendors }, (_, i) => [id, `Vendor ${i + 1}`, "WORKING"])]);
    await t.sql.query("INSERT INTO Customer (eventId, name, vip, state) VALUES ?", [Array.from({ length: o.customers }, (_, i) => [id, i < vip ? `VIP customer ${i + 1}` : `Customer ${i + 1 - vip}`, i < vip, "WORKING"])]);
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
