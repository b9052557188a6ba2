import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";

// The built standalone server, started on its own port and database for one benchmark part,
// with the CPU it burns read from /proc so the figures can say what the server used and what
// the load generator took.

const ROOT = path.join(import.meta.dirname, "../../..");
export const BENCH_TOKEN = "bench-admin-token-0123456789";

/** Builds the standalone server when it is missing or older than the code. */
export { ensureBuilt } from "../../helpers/standalone";

export type Server = { url: string; kind: ServerKind; proc: ChildProcess; cpuSeconds: () => number; rssMb: () => number; stop: () => Promise<void> };

/**
 * How the server runs: `npm start` (lib/server/standalone-entry.mjs), Next's bare standalone
 * server (`node .next/standalone/server.js`), or `next start`.
 */
export type ServerKind = "entry" | "bare" | "next-start";
export const SERVER_KINDS: ServerKind[] = ["bare", "next-start", "entry"];
export const KIND_NAMES: Record<ServerKind, string> = { entry: "npm start", bare: "node .next/standalone/server.js", "next-start": "next start" };

function command(kind: ServerKind, port: number): string[] {
  if (kind === "entry") return [path.join(ROOT, "lib/server/standalone-entry.mjs")];
  if (kind === "bare") return [path.join(ROOT, ".next/standalone/server.js")];
  return [path.join(ROOT, "node_modules/next/dist/bin/next"), "start", "-H", "127.0.0.1", "-p", String(port)];
}

export async function startServer(databaseUrl: string, port: number, env: Record<string, string> = {}, kind: ServerKind = "entry"): Promise<Server> {
  const prof = process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const proc = spawn(process.execPath, [...prof, ...command(kind, port)], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOSTNAME: "127.0.0.1",
      HOST: "127.0.0.1",
      ADMIN_TOKEN: BENCH_TOKEN,
      PURCHASE_RATE_PER_SECOND: "1000000000",
      PURCHASE_RATE_BURST: "1000000000",
      PURCHASE_RATE_PER_BUYER: "1000000000",
      PURCHASE_RATE_GLOBAL_PER_SECOND: "1000000000",
      LOG_LEVEL: "warn",
      NEXT_TELEMETRY_DISABLED: "1",
      ...env,
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${url}/api/health`)).ok) break;
    } catch {
      /* not listening yet */
    }
    if (i > 300) throw new Error("the server did not start");
    await new Promise((r) => setTimeout(r, 100));
  }
  const stat = () => readFileSync(`/proc/${proc.pid}/stat`, "utf8").split(") ")[1].split(" ");
  const ticks = 100; // USER_HZ
  return {
    url,
    kind,
    proc,
    cpuSeconds: () => {
      const f = stat();
      return (Number(f[11]) + Number(f[12])) / ticks;
    },
    rssMb: () => {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${proc.pid}/status`, "utf8"));
      return m ? Number(m[1]) / 1024 : 0;
    },
    stop: async () => {
      proc.kill("SIGTERM");
      await new Promise((r) => proc.once("exit", r));
    },
  };
}

/** An admin JSON call to the server. */
export async function admin<T>(server: Server, method: string, p: string, body?: unknown): Promise<T> {
  const res = await fetch(`${server.url}${p}`, {
    method,
    headers: { authorization: `Bearer ${BENCH_TOKEN}`, "content-type": "application/json", origin: server.url },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}
