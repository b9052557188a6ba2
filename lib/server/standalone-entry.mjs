// `npm start`: Next's standalone server, with two fast paths in front of it, for the two
// requests a rush is made of:
// - a live stream (GET /api/events/{id}/stream) is written straight to the Node response, one
//   write per frame, instead of through the web-stream pipe a route handler's Response takes;
//   with thousands of viewers that pipe was what the server spent its time on;
// - a purchase (POST /api/events/{id}/purchases) is answered without Next's per-request
//   routing, which cost more CPU than the purchase itself.
// Everything else — and both of these too, until the app has booted — goes to Next as usual.
// The handlers live in the app (lib/events/live.ts, lib/server/purchase-endpoint.ts) and are
// found in the process's singleton registry, where instrumentation.ts puts them at boot.
import http from "node:http";
import { edgeSecret, isLoopbackHost, markRequest, trustedHops } from "./edge.mjs";

const STREAM = /^\/api\/events\/([^/?#]+)\/stream(?:\?.*)?$/;
const PURCHASES = /^\/api\/events\/([^/?#]+)\/purchases(?:\?.*)?$/;
const registry = () => globalThis.__ticketing;
const BACKLOG = Number(process.env.LISTEN_BACKLOG) || 4096;
const createServer = http.createServer;
const DRAINING = JSON.stringify({ error: { code: "shutting_down", message: "This server is shutting down: try again in a moment (another instance may answer)" } });
const HOPS = trustedHops(process.env.TRUST_PROXY);
const SECRET = edgeSecret();

// Without ADMIN_TOKEN, admin actions are open to whoever reaches the server, so it may only be
// reachable from this machine: loopback by default, and any other address needs a token.
const HOST = process.env.HOST || "127.0.0.1";
if (!process.env.ADMIN_TOKEN && !isLoopbackHost(HOST)) {
  process.stderr.write(`Refusing to listen on ${HOST} without ADMIN_TOKEN: admin actions would be open to the network. Set ADMIN_TOKEN, or HOST=127.0.0.1.\n`);
  process.exit(1);
}
process.env.HOSTNAME = HOST;
// Next's own SIGTERM handler exits at once; the app drains first (lib/server/boot.ts).
process.env.NEXT_MANUAL_SIG_HANDLE = "true";

http.createServer = function (...args) {
  const at = args.findIndex((a) => typeof a === "function");
  if (at >= 0) {
    const next = args[at];
    args[at] = function (req, res) {
      markRequest(req, HOPS, SECRET);
      // Shutting down (lib/server/boot.ts): no new work, and the balancer is told to come back.
      if (registry()?.get("draining")?.since) {
        res.writeHead(503, { "content-type": "application/json; charset=utf-8", "retry-after": "2", connection: "close", "cache-control": "no-store" });
        return void res.end(DRAINING);
      }
      if (req.headers["next-action"] !== undefined) refuseFrameworkErrors(res);
      const inFlight = registry()?.get("http-in-flight");
      if (inFlight) {
        inFlight.count++;
        res.once("close", () => inFlight.count--);
      }
      const url = req.url ?? "";
      const stream = req.method === "GET" ? STREAM.exec(url) : null;
      const live = stream && registry()?.get("sse-node-handler");
      if (live) return void live(req, res, stream[1]);
      const purchase = req.method === "POST" ? PURCHASES.exec(url) : null;
      const buy = purchase && registry()?.get("purchase-node-handler");
      if (buy) return void buy(req, res, purchase[1]);
      return next.call(this, req, res);
    };
  }
  const server = createServer.apply(this, args);
  // A rush opens thousands of connections at once: Node's default accept backlog (511) drops
  // the rest of the SYNs, and their clients retry after 1, 3, 7 s. The kernel caps it
  // (net.core.somaxconn) anyway.
  const listen = server.listen;
  server.listen = function (...a) {
    if (typeof a[0] === "number" && typeof a[1] === "string" && a.length === 2) return listen.call(this, a[0], a[1], BACKLOG);
    return listen.apply(this, a);
  };
  return server;
};

// A server action's own code never answers an error status (lib/server/action.ts turns every
// failure into `{ ok: false }`), so an error on a server-action post is Next refusing what the
// client sent: a payload it cannot decode (a 500), an action id it does not know (a 409 in
// text). Either way the client is at fault: a 4xx, in the API's JSON error shape. (A 503 is
// the server draining, and a JSON answer — the proxy's cross-site 403 — is already ours.)
const BAD_ACTION = JSON.stringify({ error: { code: "bad_request", message: "This form submission could not be read (the page may be out of date): reload the page and try again" } });
function contentTypeOf(res, headers) {
  const given = Array.isArray(headers) ? null : headers && Object.entries(headers).find(([k]) => k.toLowerCase() === "content-type")?.[1];
  return String(given ?? res.getHeader("content-type") ?? "");
}
function refuseFrameworkErrors(res) {
  const { writeHead, write, end } = res;
  let replaced = false;
  const failing = (r, status, headers) => !replaced && !r.headersSent && status >= 400 && status !== 503 && !contentTypeOf(r, headers).startsWith("application/json");
  const replace = (r, status) => {
    replaced = true;
    for (const name of r.getHeaderNames()) r.removeHeader(name);
    writeHead.call(r, status >= 500 ? 400 : status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  };
  res.writeHead = function (status, ...rest) {
    if (failing(this, status, rest.find((a) => typeof a === "object"))) return (replace(this, status), this);
    return writeHead.call(this, status, ...rest);
  };
  res.write = function (chunk, ...rest) {
    if (failing(this, this.statusCode)) replace(this, this.statusCode);
    if (!replaced) return write.call(this, chunk, ...rest);
    const cb = rest.find((a) => typeof a === "function");
    if (cb) process.nextTick(cb);
    return true;
  };
  res.end = function (chunk, ...rest) {
    if (failing(this, this.statusCode)) replace(this, this.statusCode);
    if (!replaced) return end.call(this, chunk, ...rest);
    return end.call(this, BAD_ACTION, [chunk, ...rest].find((a) => typeof a === "function"));
  };
}

await import(new URL("../../.next/standalone/server.js", import.meta.url).href);
