// Benchmark of the history side on a real 1,000,000-ticket run (issue 9): sells the run with the
// engine on a fresh database, then measures what an organiser waits for — the analytics
// aggregates (the charts' data), the run summaries, the audit, a deep log page — and the
// exports in a fresh process: rows/s and the process's peak RSS while streaming.
//   node --import tsx --conditions=react-server tests/bench/history.ts [--tickets 1000000] [--keep]
import { fork } from "node:child_process";
import path from "node:path";
import { parseArgs } from "node:util";
import { createTestDatabase, useDatabase } from "../helpers/database";
import { eventStatus, waitFor } from "../helpers/invariants";

const { values } = parseArgs({ options: { tickets: { type: "string", default: "1000000" }, keep: { type: "boolean", default: false } } });
const tickets = Number(values.tickets);
const t = await createTestDatabase("benchhistory");
useDatabase(t.url);
process.env.LOG_LEVEL ??= "warn";
const { createEvent } = await import("../../lib/events/create");
const { startEvent } = await import("../../lib/events/control");
const { engine } = await import("../../lib/engine/engine");
const { closeDb } = await import("../../lib/db/client");
const { runAnalytics } = await import("../../lib/history/analytics");
const { runSummaries } = await import("../../lib/history/runs");
const { auditRun } = await import("../../lib/history/audit");
const { logPage } = await import("../../lib/history/logs");

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
async function timed<T>(what: string, f: () => Promise<T>, times = 3): Promise<T> {
  const ms: number[] = [];
  let out: T | undefined;
  for (let i = 0; i < times; i++) {
    const s = performance.now();
    out = await f();
    ms.push(performance.now() - s);
  }
  ms.sort((a, b) => a - b);
  console.log(`${what}: median ${fmt(ms[Math.floor(ms.length / 2)])} ms (runs: ${ms.map(fmt).join(", ")} ms)`);
  return out as T;
}

try {
  const id = await createEvent({ name: "History bench", totalTickets: tickets, maxTicketCapacity: 1_000, ticketReleaseRate: 10_000, customerRetrievalRate: 10_000, vendors: 20, customers: 200, vipCustomers: 20 });
  const began = Date.now();
  await startEvent(id);
  await waitFor("sell-out", async () => ((await eventStatus(t.sql, id)).status === "SOLD_OUT" ? true : undefined), 600_000, 250);
  await engine().shutdown();
  console.log(`sale: ${fmt(tickets)} tickets sold out in ${((Date.now() - began) / 1000).toFixed(1)} s (engine, one process)`);
  const [[sizes]] = (await t.sql.query("SELECT (SELECT COUNT(*) FROM Ticket) AS tickets, (SELECT COUNT(*) FROM Purchase) AS purchases, (SELECT COUNT(*) FROM EventLog) AS logs")) as unknown as [{ tickets: number; purchases: number; logs: number }[]];
  console.log(`rows: ${fmt(sizes.tickets)} tickets, ${fmt(sizes.purchases)} purchases, ${fmt(sizes.logs)} log rows`);

  const a = await timed("analytics (all charts' aggregates)", () => runAnalytics(id, 1));
  console.log(`  ${a.points.length} points of ${a.bucketMs} ms; last: ${fmt(a.points[a.points.length - 1].cumulativeSold)} sold`);
  const [summary] = await timed("run summary", () => runSummaries(id, 1));
  console.log(`  sold out after ${fmt(summary.timeToSellOutMs ?? 0)} ms; average ${fmt(summary.averageSaleRate ?? 0)}/s, peak ${fmt(summary.peakSaleRate ?? 0)}/s`);
  for (const f of summary.forecast) {
    console.log(`  forecast at ${f.fraction * 100} % sold (${fmt(f.atMs)} ms in): average since start says ${fmt(f.forecastMs)} ms (off by ${f.errorMs >= 0 ? "+" : ""}${fmt(f.errorMs)} ms); last 15 s says ${fmt(f.recentForecastMs ?? NaN)} ms (off by ${(f.recentErrorMs ?? 0) >= 0 ? "+" : ""}${fmt(f.recentErrorMs ?? NaN)} ms)`);
  }
  const report = await timed("audit", () => auditRun(id, 1), 1);
  console.log(`  audit ${report.ok ? "PASSED" : "FAILED"}${report.ok ? "" : `: ${report.checks.filter((c) => !c.ok).map((c) => c.name).join("; ")}`}`);
  const first = await logPage(id, { limit: 100 });
  await timed("log page 1 (100 rows, newest first)", () => logPage(id, { limit: 100 }));
  let cursor = first.nextCursor;
  for (let i = 0; i < 50 && cursor; i++) cursor = (await logPage(id, { limit: 1000, cursor })).nextCursor;
  if (cursor) await timed("log page after 50,000 rows (keyset)", () => logPage(id, { limit: 100, cursor: cursor! }));
  await timed("log page filtered kind=SOLD_OUT (one row among all)", () => logPage(id, { limit: 100, kind: ["SOLD_OUT"] }));

  for (const [what, format] of [["tickets", "csv"], ["tickets", "ndjson"], ["purchases", "csv"], ["logs", "ndjson"]] as const) {
    const r = await new Promise<{ rows: number; bytes: number; ms: number; rssBeforeMb: number; peakRssMb: number }>((resolve, reject) => {
      const child = fork(path.join(import.meta.dirname, "parts/history-export.ts"), [t.url, String(id), what, format], { execArgv: ["--import", "tsx", "--conditions=react-server"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
      child.once("message", (m) => resolve(m as never));
      child.once("exit", (code) => code && reject(new Error(`export child exited ${code}`)));
    });
    console.log(`export ${what} ${format}: ${fmt(r.rows)} rows, ${fmt(r.bytes / 1e6)} MB in ${(r.ms / 1000).toFixed(2)} s = ${fmt(r.rows / (r.ms / 1000))} rows/s; RSS ${fmt(r.rssBeforeMb)} MB before, peak ${fmt(r.peakRssMb)} MB`);
  }
} finally {
  await closeDb();
  if (values.keep) console.log(`kept database ${t.name}`);
  else await t.drop();
  await t.sql.end().catch(() => undefined);
}
