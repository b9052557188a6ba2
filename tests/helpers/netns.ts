import { execFileSync, spawn } from "node:child_process";

// A second host on this machine: a network namespace joined to this one by a veth pair
// (ip netns; root only, as in CI). What runs inside reaches this machine at `hostAddress`,
// from `guestAddress` — a remote client, as far as any socket can tell.

export type Netns = { name: string; hostAddress: string; guestAddress: string; remove: () => void };

function ip(...args: string[]): void {
  execFileSync("ip", args, { stdio: "pipe" });
}

export function canMakeNetns(): boolean {
  try {
    execFileSync("ip", ["netns", "list"], { stdio: "pipe" });
    return process.getuid?.() === 0;
  } catch {
    return false;
  }
}

/** Makes the namespace `name` with a veth pair on `subnet` (three octets: host .1, guest .2). */
export function makeNetns(name: string, subnet: string): Netns {
  const host = `${name}a`;
  const guest = `${name}b`;
  const remove = () => {
    for (const args of [["link", "del", host], ["netns", "del", name]]) {
      try {
        ip(...args);
      } catch {
        /* already gone */
      }
    }
  };
  remove();
  ip("netns", "add", name);
  ip("link", "add", host, "type", "veth", "peer", "name", guest);
  ip("link", "set", guest, "netns", name);
  ip("addr", "add", `${subnet}.1/24`, "dev", host);
  ip("link", "set", host, "up");
  ip("netns", "exec", name, "ip", "addr", "add", `${subnet}.2/24`, "dev", guest);
  ip("netns", "exec", name, "ip", "link", "set", guest, "up");
  ip("netns", "exec", name, "ip", "link", "set", "lo", "up");
  return { name, hostAddress: `${subnet}.1`, guestAddress: `${subnet}.2`, remove };
}

export type RemoteRequest = { method: string; url: string; headers?: Record<string, string>; body?: string };
export type RemoteAnswer = { status: number; body: string } | { error: string };

// Runs inside the namespace: node's http client, which sends a Host header as given (fetch would not).
const CLIENT = `
const http = require("node:http");
const list = JSON.parse(process.argv[1]);
(async () => {
  const out = [];
  for (const r of list) {
    out.push(await new Promise((resolve) => {
      const req = http.request(r.url, { method: r.method, headers: r.headers, timeout: 5000 }, (res) => {
        let body = "";
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode, body }));
      });
      req.on("timeout", () => req.destroy(new Error("timeout")));
      req.on("error", (e) => resolve({ error: e.code || e.message }));
      req.end(r.body);
    }));
  }
  process.stdout.write(JSON.stringify(out));
})();
`;

/** Sends the requests one after the other from inside the namespace; their answers in order. */
export function fromNetns(ns: Netns, requests: RemoteRequest[]): Promise<RemoteAnswer[]> {
  return new Promise((resolve, reject) => {
    const child = spawn("ip", ["netns", "exec", ns.name, process.execPath, "-e", CLIENT, JSON.stringify(requests)], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out) as RemoteAnswer[]) : reject(new Error(`client in ${ns.name} exited ${code}: ${err}`))));
  });
}
