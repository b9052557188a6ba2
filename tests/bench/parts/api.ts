import http from "node:http";
import { admin, type Server } from "./server";

// The purchase API under a rush, from outside, against the built standalone server: 500
// clients buying in a closed loop (throughput), then a fixed offered rate in an open loop,
// where latency counts from the moment each request was due, so a slow server cannot hide
// its queue.

type Answer = { status: number; ms: number };

export type ApiFigures = {
  apiPurchasesPerSec: number;
  apiClosedP99Ms: number;
  apiClosed5xx: number;
  apiOfferedPerSec: number;
  apiP50Ms: number;
  apiP99Ms: number;
  apiOpen5xx: number;
  /** Open-loop requests that never got an answer (refused or reset connections). */
  apiOpenUnsent: number;
  apiServerCpuPct: number;
  apiLoadGenCpuPct: number;
};

function p(sorted: number[], q: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : NaN;
}

/** `target` takes the purchases (by default the server that drives the sale; another instance of the same database to measure a non-driver). */
export async function apiBench(server: Server, log: (s: string) => void, o = { clients: 500, seconds: 8, offered: 1_000 }, target: Server = server, mode: "sale" | "hold" = "sale"): Promise<ApiFigures> {
  const ev = await admin<{ id: number }>(server, "POST", "/api/events", {
    name: "API rush",
    totalTickets: 1_000_000,
    maxTicketCapacity: 100_000,
    ticketReleaseRate: 10_000,
    customerRetrievalRate: 1,
    vendors: 5,
    customers: 0,
  });
  await admin(server, "POST", `/api/events/${ev.id}/start`);
  for (;;) {
    const now = await admin<{ available: number }>(server, "GET", `/api/events/${ev.id}`);
    if (now.available >= 100_000) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  log(`  pool holds 100,000 tickets; ${o.clients} clients ${mode === "hold" ? "hold (mode: hold, 201 HELD)" : "buy"} 1 ticket each in a loop (Prefer: wait=5) for ${o.seconds} s`);
  const { hostname, port } = new URL(target.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.clients + 100 });
  let n = 0;
  const buy = (): Promise<Answer> =>
    new Promise((resolve) => {
      const t0 = performance.now();
      const body = JSON.stringify({ buyer: `Buyer ${n++ % 100_000}`, quantity: 1, ...(mode === "hold" ? { mode } : {}) });
      const req = http.request(
        { agent, hostname, port, path: `/api/events/${ev.id}/purchases`, method: "POST", headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), prefer: "wait=5", origin: target.url } },
        (res) => {
          res.resume();
          res.on("end", () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0 }));
        },
      );
      req.on("error", () => resolve({ status: 0, ms: performance.now() - t0 }));
      req.end(body);
    });

  // Warm up (JIT, connections), then the closed loop.
  await Promise.all(Array.from({ length: 50 }, () => buy()));
  const closed: Answer[] = [];
  let cpu0 = target.cpuSeconds();
  let gen0 = process.cpuUsage();
  let t0 = performance.now();
  const until = t0 + o.seconds * 1000;
  await Promise.all(
    Array.from({ length: o.clients }, async () => {
      while (performance.now() < until) closed.push(await buy());
    }),
  );
  let wall = (performance.now() - t0) / 1000;
  const closedWall = wall;
  const ok = closed.filter((a) => a.status === 201);
  const closedMs = ok.map((a) => a.ms).sort((a, b) => a - b);
  const serverCpu1 = (target.cpuSeconds() - cpu0) / wall;
  const g = process.cpuUsage(gen0);
  const genCpu1 = (g.user + g.system) / 1e6 / wall;
  log(`  closed loop: ${Math.round(ok.length / wall)} purchases/s (201), p50 ${p(closedMs, 0.5).toFixed(0)} ms, p99 ${p(closedMs, 0.99).toFixed(0)} ms, 5xx ${closed.filter((a) => a.status >= 500).length}, other ${closed.filter((a) => a.status !== 201 && a.status < 500).length}; server ${(100 * serverCpu1).toFixed(0)} % of a core, load generator ${(100 * genCpu1).toFixed(0)} %`);

  // Open loop: requests start on schedule whatever the answers.
  await new Promise((r) => setTimeout(r, 1_000));
  const open: Answer[] = [];
  const pending: Promise<void>[] = [];
  cpu0 = target.cpuSeconds();
  gen0 = process.cpuUsage();
  t0 = performance.now();
  const total = o.offered * o.seconds;
  let fired = 0;
  await new Promise<void>((done) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * o.offered));
      for (; fired < due; fired++) {
        const scheduled = t0 + (fired * 1000) / o.offered;
        pending.push(buy().then((a) => void open.push({ status: a.status, ms: performance.now() - scheduled })));
      }
      if (fired >= total) done();
      else setTimeout(tick, 2);
    };
    tick();
  });
  await Promise.all(pending);
  wall = (performance.now() - t0) / 1000;
  const openMs = open.map((a) => a.ms).sort((a, b) => a - b);
  const serverCpu2 = (target.cpuSeconds() - cpu0) / wall;
  const g2 = process.cpuUsage(gen0);
  const genCpu2 = (g2.user + g2.system) / 1e6 / wall;
  log(`  open loop at ${o.offered}/s offered: p50 ${p(openMs, 0.5).toFixed(0)} ms, p99 ${p(openMs, 0.99).toFixed(0)} ms (from the scheduled moment), 201 ${open.filter((a) => a.status === 201).length} of ${open.length}, 5xx ${open.filter((a) => a.status >= 500).length}, unsent ${open.filter((a) => a.status === 0).length}; server ${(100 * serverCpu2).toFixed(0)} % of a core, load generator ${(100 * genCpu2).toFixed(0)} %`);
  agent.destroy();
  await admin(server, "POST", `/api/events/${ev.id}/stop`);
  return {
    apiPurchasesPerSec: Math.round(ok.length / closedWall),
    apiClosedP99Ms: Math.round(p(closedMs, 0.99)),
    apiClosed5xx: closed.filter((a) => a.status >= 500).length,
    apiOfferedPerSec: o.offered,
    apiP50Ms: Math.round(p(openMs, 0.5)),
    apiP99Ms: Math.round(p(openMs, 0.99)),
    apiOpen5xx: open.filter((a) => a.status >= 500).length,
    apiOpenUnsent: open.filter((a) => a.status === 0).length,
    apiServerCpuPct: Math.round(100 * Math.max(serverCpu1, serverCpu2)),
    apiLoadGenCpuPct: Math.round(100 * Math.max(genCpu1, genCpu2)),
  };
}
