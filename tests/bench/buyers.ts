// Benchmark: 1,000 real buyers (10% VIP) rush a running simulated sale through the purchase
// path (queue join → batch → outcome); prints what they waited, per class, and the outcome.
//   npm run bench:buyers -- [--buyers 1000] [--tickets 5000] [--capacity 100]
import { parseArgs } from "node:util";
import { createTestDatabase, useDatabase } from "../helpers/database";
import { assertPoolInvariants, eventStatus, waitFor } from "../helpers/invariants";

const { values } = parseArgs({ options: { buyers: { type: "string", default: "1000" }, tickets: { type: "string", default: "5000" }, capacity: { type: "string", default: "100" } } });
const t = await createTestDatabase("benchbuy");
useDatabase(t.url);
process.env.DB_POOL_SIZE = "20";
const { createEvent } = await import("../../lib/events/create");
const { startEvent } = await import("../../lib/events/control");
const { buy } = await import("../../lib/events/buy");
const { getEventView } = await import("../../lib/events/view");
const { percentile } = await import("../../lib/purchases/wait-stats");
const { engine } = await import("../../lib/engine/engine");
const { closeDb } = await import("../../lib/db/client");

try {
  const buyers = Number(values.buyers);
  const id = await createEvent({ name: "Rush", totalTickets: Number(values.tickets), maxTicketCapacity: Number(values.capacity), ticketReleaseRate: 100, customerRetrievalRate: 10, vendors: 10, customers: 50, vipCustomers: 5 });
  await startEvent(id);
  console.log(`rush: ${buyers} buyers (1 in 10 VIP, 1–3 tickets each) against ${values.tickets} tickets, pool ${values.capacity}, 10 vendors × 100/s, 50 simulated customers × 10/s`);
  const started = Date.now();
  const results = await Promise.all(
    Array.from({ length: buyers }, (_, i) => {
      const t0 = Date.now();
      return buy(id, { buyer: `Buyer ${i}`, quantity: 1 + (i % 3), vip: i % 10 === 0 }, { deadline: Date.now() + 30_000, source: "API" }).then((r) => ({ ...r.purchase, took: Date.now() - t0 }));
    }),
  );
  const answered = Date.now() - started;
  await waitFor("sell-out", async () => (await eventStatus(t.sql, id)).status === "SOLD_OUT", 120_000);
  await assertPoolInvariants(t.sql, id);
  const ms = (v: number | null) => (v === null ? "—" : `${v} ms`);
  for (const vip of [true, false]) {
    const mine = results.filter((r) => r.vip === vip);
    const done = mine.filter((r) => r.status === "COMPLETED");
    const waits = done.map((r) => r.waitedMs ?? 0).sort((a, b) => a - b);
    console.log(
      `${vip ? "VIP    " : "regular"} real buyers: ${mine.length}, served ${done.length}, sold out ${mine.filter((r) => r.status === "SOLD_OUT").length}, still queued ${mine.filter((r) => r.status === "QUEUED").length}; wait median ${ms(percentile(waits, 0.5))}, p95 ${ms(percentile(waits, 0.95))}`,
    );
  }
  const view = await getEventView(id);
  for (const cls of ["vip", "regular"] as const) {
    const s = view.waitStats[cls];
    console.log(`all ${cls} purchases this run (simulated + real, latest 1,000): served ${s.served}, median ${ms(s.medianMs)}, p95 ${ms(s.p95Ms)}`);
  }
  console.log(`every request answered within ${answered} ms; sold ${view.sold} of ${view.totalTickets}; invariants hold`);
} finally {
  await engine().shutdown();
  await closeDb();
  await t.drop();
}
