import "server-only";
import http from "node:http";
import type net from "node:net";
import { liveStreamNode } from "@/lib/events/live";
import { logger } from "@/lib/platform/logger";
import { singleton } from "@/lib/platform/singleton";
import { edgeSecret, markRequest, trustedHops } from "./edge.mjs";
import { listeningServers } from "./exposure";
import { refuseFrameworkErrors } from "./framework-errors";
import { purchaseNode } from "./purchase-endpoint";
import { draining } from "./shutdown";
import { starting, STARTING_MESSAGE } from "./starting";

// The front of every Node HTTP server Next runs in this process — `npm start`, `next start`,
// the bare standalone `server.js`, `next dev` — put in place at boot (instrumentation.ts runs
// once Next's server listens). Each request, before Next sees it:
// - is stamped with what its socket says (lib/server/edge.mjs): the client's address within
//   TRUST_PROXY, whether it came through a proxy, https — proved by a per-process secret. A
//   route handler only gets headers, each the client's to write; loopback admin and the
//   per-address rate limits rest on this stamp;
// - while the process drains (SIGTERM), is answered 503 + Retry-After, so a balancer retries
//   elsewhere; and is counted while in flight, so the drain can wait for the answers;
// - on a server-action post, has Next's framework errors (a 500 or a text 409 for a payload it
//   cannot read) turned into a JSON 4xx;
// - for the two requests a rush is made of, a purchase (POST /api/events/{id}/purchases) and a
//   live stream (GET /api/events/{id}/stream), is answered here, by the same code the route
//   handlers call. Measured (README, "Performance"): through Next's App Router a request
//   costs the server about 1.5 ms of CPU before our code runs (web Request and streams,
//   routing, async context), so one core serves some 400 purchases a second and a stream's
//   frames go through a web-stream pipe each; answered here, ~0.4 ms. The route handlers
//   stay, and serve where there is no such server: on Vercel's runtime, and for the moment
//   between the server listening and the app booting.
// Everything else goes to Next's own listener unchanged.

const STREAM = /^\/api\/events\/([^/?#]+)\/stream(?:\?.*)?$/;
const PURCHASES = /^\/api\/events\/([^/?#]+)\/purchases(?:\?.*)?$/;
const STARTING = JSON.stringify({ error: { code: "db_unavailable", message: STARTING_MESSAGE } });
const DRAINING = JSON.stringify({ error: { code: "shutting_down", message: "This server is shutting down: try again in a moment (another instance may answer)" } });
/** A rush opens thousands of connections at once; Node's default accept backlog (511) drops the rest of the SYNs, and their clients retry after 1, 3, 7 s. The kernel caps it (net.core.somaxconn). */
const BACKLOG = Number(process.env.LISTEN_BACKLOG) || 4096;
const FRONTED = Symbol.for("ticketing.fronted");
/** What next.config.mjs puts on every answer, on the answers the front gives itself. */
const SECURITY_HEADERS = [
  ["x-content-type-options", "nosniff"],
  ["x-frame-options", "DENY"],
  ["referrer-policy", "same-origin"],
] as const;

type Listener = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** Requests this process is answering (awaited by the drain at shutdown). */
export const inFlight = () => singleton("http-in-flight", () => ({ count: 0 }));

/**
 * Puts the front before Next's listener on every HTTP server this process listens on; how
 * many it fronted. Not on Vercel, whose sockets are its proxy's, not the client's. Finding the
 * servers uses Node's undocumented `process._getActiveHandles()`: where it finds none, nothing
 * is stamped and loopback admin is nobody's (fail closed), and the route handlers serve.
 */
export function frontServers(): number {
  if (process.env.VERCEL) return 0;
  const servers = listeningServers().filter((s): s is http.Server => s instanceof http.Server && !(s as unknown as Record<symbol, boolean>)[FRONTED]);
  if (servers.length === 0) return 0;
  const secret = edgeSecret();
  singleton("edge-by-front", () => true);
  const hops = trustedHops(process.env.TRUST_PROXY);
  const fast = process.env.FRONT_FAST_PATHS !== "0";
  for (const server of servers) {
    (server as unknown as Record<symbol, boolean>)[FRONTED] = true;
    const next = server.listeners("request") as Listener[];
    server.removeAllListeners("request");
    server.on("request", function front(this: http.Server, req: http.IncomingMessage, res: http.ServerResponse) {
      markRequest(req, hops, secret);
      if (draining()) {
        res.writeHead(503, { "content-type": "application/json; charset=utf-8", "retry-after": "2", connection: "close", "cache-control": "no-store" });
        return void res.end(DRAINING);
      }
      const count = inFlight();
      count.count++;
      res.once("close", () => count.count--);
      if (req.headers["next-action"] !== undefined) refuseFrameworkErrors(res);
      if (fast) {
        const url = req.url ?? "";
        const stream = req.method === "GET" ? STREAM.exec(url) : null;
        const purchase = !stream && req.method === "POST" ? PURCHASES.exec(url) : null;
        if (stream || purchase) {
          for (const [name, value] of SECURITY_HEADERS) res.setHeader(name, value);
          if (starting()) {
            res.writeHead(503, { "content-type": "application/json; charset=utf-8", "retry-after": "5", "cache-control": "no-store" });
            return void res.end(STARTING);
          }
          return void (stream ? liveStreamNode(req, res, stream[1]) : purchaseNode(req, res, purchase![1]));
        }
      }
      for (const l of next) l.call(this, req, res);
    });
    widenBacklog(server);
  }
  return servers.length;
}

/** Listens again on the same socket with a longer accept queue (Linux takes a new backlog on a listening socket). */
function widenBacklog(server: net.Server): void {
  const handle = (server as unknown as { _handle?: { listen?: (backlog: number) => number } })._handle;
  const err = handle?.listen?.(BACKLOG);
  if (err) logger().warn({ err, backlog: BACKLOG }, "could not widen the accept backlog");
}
