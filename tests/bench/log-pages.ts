// Benchmark: log pages by keyset (on seq) on millions of log rows. A sale writes one log row per batch
// move, so even a 1,000,000-ticket run has only thousands; this fills one event's log with N
// rows (copies of the shapes a sale writes, spread over runs 1–4 and every kind, inserted in
// bulk) and times the first page, a page deep in the log by cursor, and filtered pages.
//   node --import tsx --conditions=react-server tests/bench/log-pages.ts [--rows 3000000]
import { parseArgs } from "node:util";
import { createTestDatabase, useDatabase } from "../helpers/database";

const { values } = parseArgs({ options: { rows: { type: "string", default: "3000000" }, explain: { type: "boolean", default: false } } });
const rows = Number(values.rows);
const t = await createTestDatabase("benchlogs");
useDatabase(t.url);
process.env.LOG_LEVEL ??= "warn";
const { logPage } = await import("../../lib/history/logs");
const { closeDb } = await import("../../lib/db/client");
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

try {
  await t.sql.query("INSERT INTO Event (name, totalTickets, maxTicketCapacity, ticketReleaseRate, customerRetrievalRate, run, status) VALUES ('Logs', 1000000, 1000, 10, 10, 4, 'STOPPED')");
  const kinds = ["RELEASED", "SOLD", "SOLD", "RELEASED", "WAITING", "POOL_FULL", "SOLD", "RELEASED"];
  const seed = kinds.map((k, i) => `(1, ${i + 1}, ${1 + (i % 4)}, '${k}', 'Customer ${i}', ${i % 3 === 0 ? 1 : 0}, 0, 'Customer ${i} ${k.toLowerCase()} a few tickets', 0, 0, 0, NOW(3))`).join(",");
  await t.sql.query(`INSERT INTO EventLog (eventId, seq, run, kind, actor, vip, tickets, message, released, sold, available, createdAt) VALUES ${seed}`);
  const began = Date.now();
  for (let n = kinds.length; n < rows; n *= 2) {
    await t.sql.query(
      // The log holds seq 1 … n here: the copies take numbers above n (one number per row of the event).
      `INSERT INTO EventLog (eventId, seq, run, kind, actor, vip, tickets, message, released, sold, available, createdAt)
       SELECT eventId, seq + ${n}, 1 + (id % 4), kind, CONCAT('Customer ', id % 500), vip, tickets, CONCAT('Customer ', id % 500, ' row ', id), released, sold, available, createdAt FROM EventLog LIMIT ${Math.min(n, rows - n)}`,
    );
  }
  await t.sql.query("INSERT INTO EventLog (eventId, seq, run, kind, actor, vip, tickets, message, released, sold, available) SELECT 1, MAX(seq) + 1, 4, 'SOLD_OUT', 'system', 0, 0, 'Sold out', 0, 0, 0 FROM EventLog");
  await t.sql.query("ANALYZE TABLE EventLog");
  const [[{ n }]] = (await t.sql.query("SELECT COUNT(*) AS n FROM EventLog")) as unknown as [{ n: number }[]];
  console.log(`log: ${fmt(n)} rows of one event, written in ${((Date.now() - began) / 1000).toFixed(0)} s`);

  async function timed(what: string, f: () => Promise<unknown>) {
    const ms: number[] = [];
    for (let i = 0; i < 5; i++) {
      const s = performance.now();
      await f();
      ms.push(performance.now() - s);
    }
    ms.sort((a, b) => a - b);
    console.log(`${what}: median ${ms[2].toFixed(1)} ms (min ${ms[0].toFixed(1)}, max ${ms[4].toFixed(1)})`);
  }
  if (values.explain) {
    for (const where of ["eventId = 1", "eventId = 1 AND run = 2", "eventId = 1 AND kind IN ('WAITING') AND vip = 1", "eventId = 1 AND actor = 'Customer 7'", "eventId = 1 AND seq < 50000"]) {
      const index = where.includes("run") ? "EventLog_eventId_run_seq_idx" : where.includes("kind") ? "EventLog_eventId_kind_seq_idx" : "EventLog_eventId_seq_key";
      const [plan] = await t.sql.query(`EXPLAIN SELECT * FROM EventLog FORCE INDEX (${index}) WHERE ${where} ORDER BY seq DESC LIMIT 101`);
      console.log(where, JSON.stringify((plan as { key: string; rows: number; Extra: string }[]).map((p) => [p.key, p.rows, p.Extra])));
    }
  }
  await timed("page 1, 100 rows, newest first", () => logPage(1, { limit: 100 }));
  let cursor = (await logPage(1, { limit: 1000 })).nextCursor!;
  const walked = performance.now();
  const pages = Math.min(1_000, Math.floor(n / 1_000) - 2);
  for (let i = 0; i < pages; i++) cursor = (await logPage(1, { limit: 1000, cursor })).nextCursor!;
  console.log(`${fmt(pages)} pages of 1,000 rows walked by cursor in ${fmt(performance.now() - walked)} ms`);
  await timed(`the page after ${fmt((pages + 1) * 1000)} rows, 100 rows`, () => logPage(1, { limit: 100, cursor }));
  await timed("run=2, 100 rows", () => logPage(1, { limit: 100, run: 2 }));
  await timed("kind=SOLD_OUT (one row among all)", () => logPage(1, { limit: 100, kind: ["SOLD_OUT"] }));
  await timed("kind=WAITING&vip=true (matches none; one request)", () => logPage(1, { limit: 100, kind: ["WAITING"], vip: true }));
  await timed("actor='Customer 7', 100 rows", () => logPage(1, { limit: 100, actor: "Customer 7" }));
  await timed("text='row 12345' (one request: at most 20,000 index entries looked at)", () => logPage(1, { limit: 100, text: "row 12345" }));
} finally {
  await closeDb();
  await t.drop();
}
