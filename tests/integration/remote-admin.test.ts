import assert from "node:assert/strict";
import { once } from "node:events";
import { after, before, describe, it } from "node:test";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { canMakeNetns, fromNetns, makeNetns, type Netns, type RemoteRequest } from "../helpers/netns";
import { ensureBuilt, freePort, SERVER_KINDS, spawnServer, startServer, type Server, type ServerKind } from "../helpers/standalone";

// The repro of issue 15, from a second host: a network namespace joined to this machine by a
// veth pair, so the server sees a remote socket. No request header grants admin, on `npm
// start` and on Next's own bare server.js alike; without ADMIN_TOKEN a server that listens
// beyond loopback does not start at all.

const TOKEN = "remote-admin-token-0123456789";
const BODY = JSON.stringify({ name: "Remote", totalTickets: 10, maxTicketCapacity: 5, ticketReleaseRate: 1, customerRetrievalRate: 1 });

/** The plain request and every forged variant: each names this machine in another header. */
function forgeries(port: number): Record<string, Record<string, string>> {
  return {
    plain: {},
    Host: { host: `127.0.0.1:${port}` },
    "X-Forwarded-For": { "x-forwarded-for": "127.0.0.1" },
    "X-Real-IP": { "x-real-ip": "127.0.0.1" },
    Forwarded: { forwarded: "for=127.0.0.1;host=127.0.0.1" },
    "all at once": { host: `localhost:${port}`, "x-forwarded-for": "127.0.0.1", "x-real-ip": "::1", forwarded: "for=\"[::1]\"", "x-ticketing-client": "127.0.0.1", "x-ticketing-edge": "0".repeat(32) },
  };
}

async function exitOf(kind: ServerKind, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const proc = spawnServer(env, kind, await freePort());
  let output = "";
  proc.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  proc.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const timer = setTimeout(() => proc.kill("SIGKILL"), 60_000);
  const [code] = (await once(proc, "exit")) as [number | null];
  clearTimeout(timer);
  return { code, output };
}

const skip = canMakeNetns() ? false : "needs root and ip netns (CI has both)";

describe("admin from a second host", { skip }, () => {
  let ns: Netns;
  let database: TestDatabase;
  before(async () => {
    ensureBuilt();
    ns = makeNetns("t15h", "10.203.15");
    database = await createTestDatabase("remote_admin");
  });
  after(async () => {
    ns?.remove();
    await database?.drop();
  });

  for (const kind of SERVER_KINDS) {
    describe(kind === "entry" ? "npm start" : "Next's bare server.js", () => {
      it("refuses to start without ADMIN_TOKEN when it would listen beyond loopback, saying how to fix it", async () => {
        for (const host of ["0.0.0.0", "10.203.15.1"]) {
          const { code, output } = await exitOf(kind, { DATABASE_URL: database.url, HOST: host, ADMIN_TOKEN: "" });
          assert.equal(code, 1, `${host}: ${output}`);
          assert.match(output, new RegExp(`Refusing to listen on ${host.replace(/\./g, "\\.")} without ADMIN_TOKEN: admin actions would be open to the network\\. Set ADMIN_TOKEN, or HOST=127\\.0\\.0\\.1`));
        }
      });

      it("with ADMIN_TOKEN on every address, refuses the plain request and every forged variant from the other host, and creates nothing", async () => {
        let server: Server | undefined;
        try {
          server = await startServer({ DATABASE_URL: database.url, HOST: "0.0.0.0", ADMIN_TOKEN: TOKEN }, kind);
          const port = new URL(server.url).port;
          const url = `http://${ns.hostAddress}:${port}/api/events`;
          const before = ((await (await fetch(`${server.url}/api/events`)).json()) as unknown[]).length;
          const variants = Object.entries(forgeries(Number(port)));
          const requests: RemoteRequest[] = variants.map(([, headers]) => ({ method: "POST", url, headers: { "content-type": "application/json", ...headers }, body: BODY }));
          const answers = await fromNetns(ns, requests);
          for (const [i, [what]] of variants.entries()) {
            const a = answers[i];
            assert.ok("status" in a, `${what}: ${JSON.stringify(a)}`);
            assert.equal(a.status, 401, `${what}: ${a.body}`);
            assert.equal(JSON.parse(a.body).error.code, "unauthorized", what);
          }
          assert.equal(((await (await fetch(`${server.url}/api/events`)).json()) as unknown[]).length, before, "no event was created");
          // The other host does reach the server, and the token is what admits it.
          const [withToken] = await fromNetns(ns, [{ method: "POST", url, headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` }, body: BODY }]);
          assert.ok("status" in withToken && withToken.status === 201, JSON.stringify(withToken));
        } finally {
          server?.proc.kill("SIGKILL");
        }
      });

      it("without ADMIN_TOKEN on loopback, is admin to this machine only: the other host cannot connect, and a forwarding header is refused with 403", async () => {
        let server: Server | undefined;
        try {
          server = await startServer({ DATABASE_URL: database.url, HOST: "127.0.0.1", ADMIN_TOKEN: "" }, kind);
          const port = new URL(server.url).port;
          const [remote] = await fromNetns(ns, [{ method: "POST", url: `http://${ns.hostAddress}:${port}/api/events`, headers: { "content-type": "application/json", host: `127.0.0.1:${port}` }, body: BODY }]);
          assert.ok("error" in remote, `the other host reached a loopback-only server: ${JSON.stringify(remote)}`);
          const post = (headers: Record<string, string>) => fetch(`${server!.url}/api/events`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: BODY });
          assert.equal((await post({})).status, 201, "this machine is the admin: the server saw a loopback socket");
          for (const [what, { host: _host, ...headers }] of Object.entries(forgeries(Number(port))).filter(([w]) => w !== "plain" && w !== "Host")) {
            const res = await post(headers);
            assert.equal(res.status, 403, what);
            assert.equal(((await res.json()) as { error: { code: string } }).error.code, "forbidden", what);
          }
        } finally {
          server?.proc.kill("SIGKILL");
        }
      });
    });
  }
});
