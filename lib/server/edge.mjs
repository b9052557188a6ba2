// What the app's front (front.ts) learns from the socket and hands to the
// app, because a route handler cannot see the socket and a client can send any header:
// - x-ticketing-client: the client's address, taken from X-Forwarded-For only as far as
//   TRUST_PROXY (a number of proxy hops in front of this server) allows, else the socket's;
// - x-ticketing-forwarded: "1" when the request came through a proxy (it carries a forwarding
//   header), which rules out loopback admin;
// - x-ticketing-proto: "https" when the connection (or, within TRUST_PROXY, X-Forwarded-Proto) is;
// - x-ticketing-edge: a per-process secret that proves the front set these (the app reads it
//   from the process registry), so a runtime without the front trusts none of them.
// Whatever a client sends under these names is dropped first.
import { randomBytes } from "node:crypto";

export const EDGE_HEADERS = ["x-ticketing-client", "x-ticketing-forwarded", "x-ticketing-proto", "x-ticketing-edge"];
const FORWARDING = ["forwarded", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-real-ip", "via"];

/** TRUST_PROXY as a hop count (0: trust no forwarding header). */
export function trustedHops(raw) {
  const n = Number(raw ?? 0);
  return Number.isInteger(n) && n >= 0 && n <= 10 ? n : 0;
}

/** The client's address: `hops` entries from the right of [X-Forwarded-For…, socket], never further left than the list goes. */
export function clientAddress(forwardedFor, socketAddress, hops) {
  const list = String(forwardedFor ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "" && s.length <= 100);
  const chain = [...list, socketAddress || "unknown"];
  return chain[Math.max(0, chain.length - 1 - hops)];
}

/** Whether a host name, an address or a Host header ("127.0.0.1:3000", "[::1]:3000", "localhost") names this machine. */
export function isLoopbackHost(host) {
  const h = String(host ?? "").trim().toLowerCase();
  const name = h.startsWith("[") ? h.slice(1, h.indexOf("]")) : h.split(":").length === 2 ? h.split(":")[0] : h;
  return name === "localhost" || name === "::1" || name === "::ffff:127.0.0.1" || /^127(\.\d{1,3}){3}$/.test(name);
}

/** Rewrites a Node request's edge headers in place (see above). */
export function markRequest(req, hops, secret) {
  const h = req.headers;
  const xff = Array.isArray(h["x-forwarded-for"]) ? h["x-forwarded-for"].join(",") : h["x-forwarded-for"];
  const forwarded = FORWARDING.some((name) => h[name] !== undefined);
  const xfp = String(h["x-forwarded-proto"] ?? "").split(",")[0].trim().toLowerCase();
  for (const name of EDGE_HEADERS) delete h[name];
  h["x-ticketing-client"] = clientAddress(hops > 0 ? xff : "", req.socket?.remoteAddress, hops);
  h["x-ticketing-forwarded"] = forwarded ? "1" : "0";
  h["x-ticketing-proto"] = req.socket?.encrypted || (hops > 0 && xfp === "https") ? "https" : "http";
  h["x-ticketing-edge"] = secret;
}

/** The per-process secret, on the app's process registry (lib/platform/singleton.ts) where lib/server/client.ts finds it. */
export function edgeSecret() {
  const registry = (globalThis.__ticketing ??= new Map());
  if (!registry.has("edge-secret")) registry.set("edge-secret", randomBytes(16).toString("hex"));
  return registry.get("edge-secret");
}
