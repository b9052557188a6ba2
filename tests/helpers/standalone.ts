import { execSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import net from "node:net";
import path from "node:path";

// The built server as a child process, for tests that must see the real server: its signals,
// its sockets — `npm start` (Next's standalone output behind lib/server/standalone-entry.mjs)
// or Next's own bare standalone server.js.
const ROOT = path.join(import.meta.dirname, "../..");
const ENTRY = path.join(ROOT, "lib/server/standalone-entry.mjs");

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== "generated") t = Math.max(t, newest(p));
    } else t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

/**
 * Builds the standalone server (and copies its static files next to it, as `npm start` does)
 * when it is missing or older than the code: integration tests and benchmarks may run before
 * the e2e build, and a stale build would test yesterday's server.
 */
export function ensureBuilt(log?: (s: string) => void): void {
  const server = path.join(ROOT, ".next/standalone/server.js");
  const files = ["proxy.ts", "instrumentation.ts", "next.config.mjs"].map((f) => path.join(ROOT, f)).filter((f) => existsSync(f));
  const code = Math.max(newest(path.join(ROOT, "app")), newest(path.join(ROOT, "lib")), ...files.map((f) => statSync(f).mtimeMs));
  if (existsSync(server) && code <= statSync(server).mtimeMs) return;
  log?.("building the standalone server (npm run build)…");
  execSync("npm run build && cp -r public .next/standalone/ && cp -r .next/static .next/standalone/.next/", { cwd: ROOT, stdio: log ? "ignore" : "inherit" });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

export type Server = { proc: ChildProcess; url: string; output: () => string; exited: Promise<{ code: number | null; at: number }> };

/** How a server is run: `npm start`'s entry, or Next's own bare standalone server (`node .next/standalone/server.js`). */
export type ServerKind = "entry" | "bare";
export const SERVER_KINDS: ServerKind[] = ["entry", "bare"];
const BARE = path.join(ROOT, ".next/standalone/server.js");

/** Spawns a server without waiting for it (HOST for the entry, HOSTNAME for server.js: each one's own variable). */
export function spawnServer(env: Record<string, string>, kind: ServerKind = "entry", port?: number, ownGroup = false) {
  const host = env.HOST ?? "127.0.0.1";
  return spawn(process.execPath, [kind === "entry" ? ENTRY : BARE], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", ...(port ? { PORT: String(port) } : {}), ...env, HOST: host, HOSTNAME: host },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group, so that a test can freeze, thaw or kill the server as a whole (`kill(-pid)`).
    detached: ownGroup,
  });
}

export async function startServer(env: Record<string, string>, kind: ServerKind = "entry"): Promise<Server> {
  const port = await freePort();
  const proc = spawnServer(env, kind, port);
  let out = "";
  proc.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  proc.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; at: number }>((resolve) => proc.once("exit", (code) => resolve({ code, at: Date.now() })));
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`the server exited at start-up:\n${out}`);
    const ok = await fetch(`${url}/api/health`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > until) throw new Error(`the server did not answer within 60 s:\n${out}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { proc, url, output: () => out, exited };
}
