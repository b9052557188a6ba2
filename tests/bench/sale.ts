// Benchmark: how many tickets per second the engine sells, end to end (actors → batches →
// MySQL with the log rows), on a fresh database of its own.
//   npm run bench -- [--tickets 100000] [--capacity 1000] [--vendors 20] [--customers 200]
//                    [--release 10000] [--buy 10000] [--processes 1]
import { parseArgs } from "node:util";
import { createTestDatabase, useDatabase } from "../helpers/database";
import { assertPoolInvariants } from "../helpers/invariants";
import { spawnDriver } from "../helpers/spawn";

const { values } = parseArgs({
  options: {
    tickets: { type: "string", default: "100000" },
    capacity: { type: "string", default: "1000" },
    vendors: { type: "string", default: "20" },
    customers: { type: "string", default: "200" },
    release: { type: "string", default: "10000" },
    buy: { type: "string", default: "10000" },
    processes: { type: "string", default: "1" },
  },
});
const num = (k: keyof typeof values) => Number(values[k]);

const t = await createTestDatabase("bench");
useDatabase(t.url);
const { createEvent } = await import("../../lib/events/create");
const { closeDb } = await import("../../lib/db/client");

try {
  const id = await createEvent({
    name: "Benchmark",
    totalTickets: num("tickets"),
    maxTicketCapacity: num("capacity"),
    ticketReleaseRate: num("release"),
    customerRetrievalRate: num("buy"),
    vendors: num("vendors"),
    customers: num("customers"),
    vipCustomers: Math.floor(num("customers") / 10),
  });
  await t.sql.query("UPDATE Event SET status = 'RUNNING' WHERE id = ?", [id]);
  console.log(`sale: ${num("tickets").toLocaleString()} tickets, pool ${num("capacity")}, ${num("vendors")} vendors × ${num("release")}/s, ${num("customers")} customers × ${num("buy")}/s, ${num("processes")} process(es)`);
  const started = Date.now();
  const drivers = Array.from({ length: num("processes") }, () => spawnDriver(t.url, id, "drive"));
  await Promise.all(drivers.map((d) => d.exited));
  const seconds = (Date.now() - started) / 1000;
  const final = await assertPoolInvariants(t.sql, id);
  const [rows] = await t.sql.query(
    "SELECT TIMESTAMPDIFF(MICROSECOND, MIN(createdAt), MAX(createdAt)) / 1e6 AS span, COUNT(*) AS logRows FROM EventLog WHERE eventId = ? AND kind IN ('RELEASED', 'SOLD')",
    [id],
  );
  const { span, logRows } = (rows as { span: number; logRows: number }[])[0];
  const batches = drivers.reduce((s, d) => s + (d.totals?.batches ?? 0), 0);
  console.log(`result: ${final.status}, sold ${final.sold.toLocaleString()} of ${final.released.toLocaleString()} released; invariants hold`);
  console.log(`wall time incl. process start: ${seconds.toFixed(2)} s`);
  console.log(`first→last ticket: ${Number(span).toFixed(2)} s → ${Math.round(final.sold / Number(span)).toLocaleString()} tickets sold/s (${Number(logRows).toLocaleString()} log rows, ${batches} batches, ${Math.round(final.sold / Math.max(1, batches))} tickets/batch)`);
} finally {
  await closeDb();
  await t.drop();
}
