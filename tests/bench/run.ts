// The rush benchmark (issue "The rush"): every figure on its own fresh database, in one run.
//   npm run bench                 human-readable, with the targets and the baselines beside them
//   npm run bench -- --json       one JSON line
//   npm run bench -- --only engine,naive,raw,api,sse
// Benchmarks are not tests: CI does not run them. The load generator runs on this machine too;
// the API and SSE parts say how much CPU it took.
import os from "node:os";
import { parseArgs } from "node:util";
import mysql from "mysql2/promise";
import { naiveSale, rawBatchedSale } from "./parts/baselines";
import { FLASH_SALE, runSale } from "./parts/engine";
import { apiBench } from "./parts/api";
import { ensureBuilt, startServer } from "./parts/server";
import { sseBench } from "./parts/sse";
import { createTestDatabase } from "../helpers/database";

const { values } = parseArgs({ options: { json: { type: "boolean", default: false }, only: { type: "string", default: "engine,naive,raw,api,sse" } } });
const parts = new Set(values.only.split(","));
const log = (s: string) => {
  if (!values.json) console.log(s);
};
const started = Date.now();
const out: Record<string, unknown> = {};

const server = await mysql.createConnection({ uri: process.env.TEST_DATABASE_SERVER ?? "mysql://root@127.0.0.1:3306" });
const [[v]] = (await server.query("SELECT VERSION() AS version")) as unknown as [[{ version: string }]];
await server.end();
out.machine = { cores: os.cpus().length, cpu: os.cpus()[0]?.model.trim(), memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version, mysql: v.version };
log(`machine: ${os.cpus().length} cores, ${out.machine && (out.machine as { memoryGb: number }).memoryGb} GB, Node ${process.version}, MySQL ${v.version}`);

if (parts.has("engine")) {
  log(`engine, flash sale: ${FLASH_SALE.tickets.toLocaleString("en-US")} tickets, pool ${FLASH_SALE.capacity.toLocaleString("en-US")}, ${FLASH_SALE.vendors} vendors and ${FLASH_SALE.customers.toLocaleString("en-US")} customers at 10,000/s each`);
  const r = await runSale(FLASH_SALE);
  out.engineTicketsPerSec = r.ticketsPerSec;
  log(`  ${r.ticketsPerSec.toLocaleString("en-US")} tickets sold/s (${r.seconds.toFixed(2)} s, ${r.batches} batches, ${r.logRows} log rows; invariants hold)   target ≥ 20,000 · before: 2,612`);
}
if (parts.has("naive")) {
  const n = await naiveSale();
  out.naiveTicketsPerSec = n;
  log(`naive, one Prisma interactive transaction per ticket (10,000 tickets): ${n.toLocaleString("en-US")} tickets/s`);
}
if (parts.has("raw")) {
  const r = await rawBatchedSale();
  out.rawBatchedTicketsPerSec = r;
  log(`raw batched SQL, no engine (200,000 tickets, 10,000 a transaction): ${r.toLocaleString("en-US")} tickets/s`);
}
if (typeof out.engineTicketsPerSec === "number" && typeof out.naiveTicketsPerSec === "number") log(`  engine ÷ naive = ${(out.engineTicketsPerSec / out.naiveTicketsPerSec).toFixed(1)}   target ≥ 20`);
if (typeof out.engineTicketsPerSec === "number" && typeof out.rawBatchedTicketsPerSec === "number") log(`  raw ÷ engine = ${(out.rawBatchedTicketsPerSec / out.engineTicketsPerSec).toFixed(2)}   target ≤ 2`);

/** Waits (≤ 30 s) until InnoDB has written back what the earlier parts left dirty, so that one part's writes do not slow the next. */
async function quiet(): Promise<void> {
  const c = await mysql.createConnection({ uri: process.env.TEST_DATABASE_SERVER ?? "mysql://root@127.0.0.1:3306" });
  try {
    for (let i = 0; i < 60; i++) {
      const [rows] = (await c.query("SHOW GLOBAL STATUS WHERE Variable_name IN ('Innodb_buffer_pool_pages_dirty', 'Innodb_buffer_pool_pages_total')")) as unknown as [{ Variable_name: string; Value: string }[]];
      const v = Object.fromEntries(rows.map((r) => [r.Variable_name, Number(r.Value)]));
      if (v.Innodb_buffer_pool_pages_dirty <= v.Innodb_buffer_pool_pages_total * 0.01) return;
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    await c.end();
  }
}

if (parts.has("api") || parts.has("sse")) ensureBuilt(log);
if (parts.has("api")) {
  log("purchase API, standalone server:");
  await quiet();
  const t = await createTestDatabase("benchapi");
  const s = await startServer(t.url, 3320, { DB_POOL_SIZE: "20" });
  try {
    Object.assign(out, await apiBench(s, log));
  } finally {
    await s.stop();
    await t.drop();
  }
  log(`  targets: ≥ 2,000 purchases/s with 500 clients, no 5xx; p99 < 100 ms at 1,000/s offered · before: 146/s at p99 9.7 s; p99 1.19 s at 100/s offered`);
}
if (parts.has("sse")) {
  log("live viewers, standalone server, during a sale at ~1,000 tickets/s:");
  await quiet();
  const t = await createTestDatabase("benchsse");
  const s = await startServer(t.url, 3321);
  try {
    Object.assign(out, await sseBench(s, log));
  } finally {
    await s.stop();
    await t.drop();
  }
  log(`  targets: 5,000 open in < 10 s, ≥ 5 messages/s each, lag p99 < 250 ms, RSS < 800 MB, the sale keeps its speed · before: 0.3 messages/s, lag p99 6.7 s, 109 s to open, 1.17 GB`);
}
out.benchSeconds = Math.round((Date.now() - started) / 1000);
if (values.json) console.log(JSON.stringify(out));
else log(`done in ${out.benchSeconds} s`);
process.exit(0);
