import type { ChildProcess } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { freePort, spawnServer } from "./standalone";

// A serverless platform, emulated on this machine: instances of Next's bare standalone
// server behind a front proxy that
// - spreads requests over the instances (round robin over the live ones);
// - freezes an instance (SIGSTOP) as soon as it has no request in flight, and thaws it
//   (SIGCONT) when a request is routed to it — timers do not run between requests;
// - ends a stream after its maxDuration, the way a platform cuts a function off;
// - recycles instances at will: `recycle()` kills one with `kill -9` and starts a fresh one.

type Instance = { id: string; port: number; proc: ChildProcess; inFlight: number; frozen: boolean; dead: boolean; output: string };

export type Platform = {
  url: string;
  /** Kills one live instance (SIGKILL) and starts a fresh one in its place; resolves once the new one answers. */
  recycle: () => Promise<{ killed: string; started: string }>;
  instances: () => { id: string; frozen: boolean; inFlight: number }[];
  /** How many times an instance was frozen and thawed, and the requests the proxy could not deliver (an instance died under them). */
  stats: { freezes: number; thaws: number; failed: number; routed: number };
  output: () => string;
  close: () => Promise<void>;
};

export type PlatformOptions = {
  instances: number;
  env: Record<string, string>;
  /** Streams (text/event-stream answers) are ended after a random time in this range, in ms. */
  streamMaxMs: [number, number];
};

export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  const live: Instance[] = [];
  const gone: Instance[] = [];
  const stats = { freezes: 0, thaws: 0, failed: 0, routed: 0 };
  let serial = 0;
  let next = 0;

  const signal = (i: Instance, sig: NodeJS.Signals) => {
    try {
      process.kill(-i.proc.pid!, sig); // the instance's whole process group
    } catch {
      /* already gone */
    }
  };
  const freeze = (i: Instance) => {
    if (i.dead || i.frozen || i.inFlight > 0) return;
    i.frozen = true;
    stats.freezes++;
    signal(i, "SIGSTOP");
  };
  const thaw = (i: Instance) => {
    if (!i.frozen) return;
    i.frozen = false;
    stats.thaws++;
    signal(i, "SIGCONT");
  };

  const launch = async (): Promise<Instance> => {
    const id = `i${++serial}`;
    const port = await freePort();
    const proc = spawnServer({ ...options.env, INSTANCE_ID: id }, "bare", port, true);
    const inst: Instance = { id, port, proc, inFlight: 0, frozen: false, dead: false, output: "" };
    proc.stdout?.on("data", (d: Buffer) => (inst.output += d.toString()));
    proc.stderr?.on("data", (d: Buffer) => (inst.output += d.toString()));
    proc.once("exit", () => (inst.dead = true));
    const until = Date.now() + 60_000;
    for (;;) {
      if (inst.dead) throw new Error(`instance ${id} exited at start-up:\n${inst.output}`);
      const ok = await fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.ok, () => false);
      if (ok) break;
      if (Date.now() > until) throw new Error(`instance ${id} did not answer within 60 s:\n${inst.output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    live.push(inst);
    freeze(inst);
    return inst;
  };

  const pick = (): Instance | undefined => {
    const candidates = live.filter((i) => !i.dead);
    if (candidates.length === 0) return undefined;
    return candidates[next++ % candidates.length];
  };

  const server = http.createServer((req, res) => {
    const inst = pick();
    if (!inst) {
      res.writeHead(503, { "retry-after": "1" }).end();
      return;
    }
    stats.routed++;
    inst.inFlight++;
    thaw(inst);
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      inst.inFlight--;
      freeze(inst);
    };
    const upstream = http.request({ host: "127.0.0.1", port: inst.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, { ...up.headers, "x-served-by": inst.id });
      up.pipe(res);
      if (String(up.headers["content-type"] ?? "").startsWith("text/event-stream")) {
        const [lo, hi] = options.streamMaxMs;
        const cut = setTimeout(() => (up.destroy(), res.destroy()), lo + Math.random() * (hi - lo));
        res.once("close", () => clearTimeout(cut));
      }
      up.once("error", () => res.destroy());
    });
    upstream.once("error", () => {
      stats.failed++;
      if (!res.headersSent) res.writeHead(502, { "content-type": "application/json" }).end('{"error":{"code":"bad_gateway","message":"the instance went away"}}');
      else res.destroy();
      finish();
    });
    res.once("close", () => {
      upstream.destroy();
      finish();
    });
    req.pipe(upstream);
  });
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  await Promise.all(Array.from({ length: options.instances }, () => launch()));

  return {
    url,
    stats,
    instances: () => live.map((i) => ({ id: i.id, frozen: i.frozen, inFlight: i.inFlight })),
    output: () => [...gone, ...live].map((i) => `--- ${i.id}\n${i.output}`).join("\n"),
    recycle: async () => {
      const victim = live[Math.floor(Math.random() * live.length)];
      live.splice(live.indexOf(victim), 1);
      gone.push(victim);
      signal(victim, "SIGKILL");
      victim.dead = true;
      const fresh = await launch();
      return { killed: victim.id, started: fresh.id };
    },
    close: async () => {
      for (const i of [...live, ...gone]) signal(i, "SIGKILL");
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
