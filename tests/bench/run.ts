// The rush benchmark (issue "The rush"): every figure on its own fresh database, in one run.
//   npm run bench                 human-readable, with the targets and the baselines beside them
//   npm run bench -- --json       one JSON line
//   npm run bench -- --only engine,naive,raw,api,route,hold,nondriver,sse
//   npm run bench -- --servers bare,next-start,entry   (which servers the api and sse parts run on)
//   npm run bench -- --offered 500                     (the api part's open-loop rate, purchases/s)
//   galera: the flash sale and the api part again on a 3-node Galera cluster started for it
// Benchmarks are not tests: CI does not run them. The load generator runs on this machine too;
// the API and SSE parts say how much CPU it took.
import os from "node:os";
import { parseArgs } from "node:util";
import mysql from "mysql2/promise";
import { naiveSale, rawBatchedSale } from "./parts/baselines";
import { FLASH_SALE, runSale } from "./parts/engine";
import { apiBench, type ApiFigures } from "./parts/api";
import { galeraUnavailable, startGalera } from "../helpers/galera";
import { spawnSync } from "node:child_process";
import { ensureBuilt, KIND_NAMES, SERVER_KINDS, startServer, type Server, type ServerKind } from "./parts/server";
import { sseBench } from "./parts/sse";
import { createTestDatabase } from "../helpers/database";

const { values } = parseArgs({ options: { json: { type: "boolean", default: false }, only: { type: "string", default: "engine,naive,raw,api,route,hold,nondriver,sse,galera" }, servers: { type: "string", default: SERVER_KINDS.join(",") }, offered: { type: "string", default: "1000" } } });
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

const kinds = values.servers.split(",") as ServerKind[];
for (const k of kinds) if (!SERVER_KINDS.includes(k)) throw new Error(`--servers: unknown server ${k} (${SERVER_KINDS.join(", ")})`);
const API_TARGETS = "≥ 2,000 purchases/s with 500 clients, no 5xx; p99 < 100 ms at 1,000/s offered, 0 unsent";
const SSE_TARGETS = "5,000 open in < 10 s, ≥ 5 messages/s each, lag p99 < 250 ms, RSS < 800 MB, the sale keeps its speed";
let port = 3320;

/**
 * One part on a fresh database: waits for InnoDB to be quiet, starts `servers` instances (env
 * and kind each) on it, runs `body`, and stops and drops everything whatever happens.
 */
async function onServers<T>(name: string, servers: { env: Record<string, string>; kind: ServerKind }[], body: (s: Server[]) => Promise<T>): Promise<T> {
  await quiet();
  const t = await createTestDatabase(name);
  const started: Server[] = [];
  try {
    for (const { env, kind } of servers) started.push(await startServer(t.url, port++, env, kind));
    return await body(started);
  } finally {
    for (const s of started.reverse()) await s.stop();
    await t.drop();
  }
}
const POOL = { DB_POOL_SIZE: "20" };

if (["api", "sse", "nondriver", "route", "hold"].some((p) => parts.has(p))) ensureBuilt(log);
if (parts.has("api")) {
  const api: Record<string, unknown> = (out.api = {});
  for (const kind of kinds) {
    log(`purchase API, ${KIND_NAMES[kind]}:`);
    api[kind] = await onServers("benchapi", [{ env: POOL, kind }], ([s]) => apiBench(s, log, { clients: 500, seconds: 8, offered: Number(values.offered) }));
  }
  log(`  targets: ${API_TARGETS} · issue 16 measured Next's server.js at 425/s closed, 433/s of 1,000 offered with p99 5.7 s`);
}
if (parts.has("route")) {
  // The same server with the front's two fast paths off: purchases through the App Router's
  // route handler, as on Vercel (what the front saves, measured).
  log("purchase API, node .next/standalone/server.js with FRONT_FAST_PATHS=0 (the App Router route handler):");
  out.apiRouteHandler = await onServers("benchroute", [{ env: { ...POOL, FRONT_FAST_PATHS: "0" }, kind: "bare" }], ([s]) => apiBench(s, log));
}
if (parts.has("hold")) {
  // Checkout holds (issue 18): the same rush, each purchase asking for a hold (answered 201
  // HELD, tickets held until confirmed or expired), beside the immediate sales of "api".
  log("purchase API with mode: hold, node .next/standalone/server.js:");
  out.apiHold = await onServers("benchhold", [{ env: POOL, kind: "bare" }], ([s]) => apiBench(s, log, undefined, s, "hold"));
}
if (parts.has("nondriver")) {
  // Two instances on one database: the first drives the sale, every purchase goes to the
  // second, which only joins the queue (a transaction) and reads the outcome — where almost
  // every request lands on a serverless platform.
  log("purchase API on an instance that does not drive the sale (2 × node .next/standalone/server.js, all purchases to the other one):");
  const two = [
    { env: { ...POOL, INSTANCE_ID: "driver" }, kind: "bare" as const },
    { env: { ...POOL, INSTANCE_ID: "other" }, kind: "bare" as const },
  ];
  out.apiNonDriver = await onServers("benchnondriver", two, ([driver, other]) => apiBench(driver, log, undefined, other));
}
if (parts.has("sse")) {
  const sse: Record<string, unknown> = (out.sse = {});
  for (const kind of kinds) {
    log(`live viewers, ${KIND_NAMES[kind]}, during a sale at ~1,000 tickets/s:`);
    sse[kind] = await onServers("benchsse", [{ env: {}, kind }], ([s]) => sseBench(s, log));
  }
  log(`  targets: ${SSE_TARGETS} · issue 16 measured Next's server.js at 4.5 messages/s, p99 304 ms, RSS 1,323 MB`);
}
const noGalera = parts.has("galera") ? galeraUnavailable() : false;
if (noGalera) {
  log(`on a 3-node MariaDB Galera cluster: skipped, this machine ${noGalera}`);
  out.galera = { skipped: noGalera };
} else if (parts.has("galera")) {
  // The same flash sale and purchase rush on a 3-node Galera cluster started for this part
  // (tests/helpers/galera.ts), the app on node 1: a child run of this script against it.
  log("on a 3-node MariaDB Galera cluster (this machine), the app on node 1:");
  const g = await startGalera({ name: "bench" });
  try {
    const child = spawnSync(process.execPath, ["--import", "tsx", "--conditions=react-server", import.meta.filename, "--json", "--only", "engine,api", "--servers", "bare", "--offered", "500"], {
      env: { ...process.env, TEST_DATABASE_SERVER: g.nodes[0].url, TEST_DATABASE_CLUSTER_HERE: "1" },
      encoding: "utf8",
      maxBuffer: 64 * 2 ** 20,
      stdio: ["ignore", "pipe", "inherit"],
    });
    const line = child.stdout.trim().split("\n").pop() ?? "";
    const figures = JSON.parse(line) as { engineTicketsPerSec: number; api: { bare: ApiFigures } };
    out.galera = { engineTicketsPerSec: figures.engineTicketsPerSec, api: figures.api.bare };
    const a = figures.api.bare;
    log(`  flash sale: ${figures.engineTicketsPerSec.toLocaleString("en-US")} tickets sold/s   target ≥ 10,000`);
    log(`  purchases: ${a.apiPurchasesPerSec.toLocaleString("en-US")}/s closed loop (p99 ${a.apiClosedP99Ms.toFixed(0)} ms, 5xx ${a.apiClosed5xx}); open loop at ${a.apiOfferedPerSec}/s offered: p99 ${a.apiP99Ms.toFixed(0)} ms, 5xx ${a.apiOpen5xx}, unsent ${a.apiOpenUnsent}   target p99 < 150 ms at 500/s`);
  } finally {
    await g.stop();
  }
}
out.benchSeconds = Math.round((Date.now() - started) / 1000);
if (values.json) console.log(JSON.stringify(out));
else log(`done in ${out.benchSeconds} s`);
process.exit(0);
