import { execSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import net from "node:net";
import path from "node:path";

// The built `npm start` server (Next's standalone output behind lib/server/standalone-entry.mjs)
// as a child process, for tests that must see the real server: its signals, its sockets.
const ROOT = path.join(import.meta.dirname, "../..");
const ENTRY = path.join(ROOT, "lib/server/standalone-entry.mjs");

/** Builds the app once if no standalone build is there (integration tests may run before the e2e build). */
export function ensureBuilt(): void {
  if (existsSync(path.join(ROOT, ".next/standalone/server.js"))) return;
  execSync("npm run build", { cwd: ROOT, stdio: "inherit" });
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

export async function startServer(env: Record<string, string>): Promise<Server> {
  const port = await freePort();
  const proc = spawn(process.execPath, [ENTRY], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: "production", HOST: "127.0.0.1", PORT: String(port), NEXT_TELEMETRY_DISABLED: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
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
