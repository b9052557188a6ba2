import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";

const DRIVER = path.join(import.meta.dirname, "drive-event.ts");

/** Starts another app process (its own engine, its own connection pool) driving the event. */
export type Driver = ChildProcess & { exited: Promise<number | null>; totals: { released: number; sold: number; batches: number } | null };

export function spawnDriver(url: string, eventId: number, mode: "drive" | "resume" | "instance", env: Record<string, string> = {}): Driver {
  const child = fork(DRIVER, [url, String(eventId), mode], {
    env: { ...process.env, ...env },
    // BENCH_CPU_PROF=<dir> writes a CPU profile of each driver process (node --cpu-prof).
    execArgv: ["--import", "tsx", "--conditions=react-server", ...(process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [])],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  }) as Driver;
  child.totals = null;
  child.on("message", (m: { totals?: Driver["totals"] }) => {
    if (m.totals) child.totals = m.totals;
  });
  child.exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
  return child;
}
