import "server-only";
import http from "node:http";
import net from "node:net";
import { existing, singleton } from "@/lib/platform/singleton";
import { edgeSecret, isLoopbackHost, markRequest, trustedHops } from "./edge.mjs";

// Next's own servers (`next start`, the standalone server.js, `next dev`) hand a route handler
// a web Request: headers only, each of them the client's to write. But they run in this
// process, and instrumentation.ts runs once they listen. So at boot the app finds the HTTP
// servers this process listens on and puts a listener in front of Next's that stamps each
// request with what the socket says (lib/server/edge.mjs: the client's address within
// TRUST_PROXY, whether it came through a proxy, https), proved by a per-process secret. That
// is what loopback admin and the per-address rate limits rely on. Where no such server is
// found (a platform's own runtime, such as Vercel's, whose sockets come from its proxy), the
// app cannot see sockets: loopback admin is then nobody's (lib/server/auth.ts).
//
// The same sockets say whether the server is reachable beyond this machine, which without
// ADMIN_TOKEN it must not be: the app looks at the addresses it actually listens on — a flag
// or variable could name one thing and bind another.

function listeningServers(): net.Server[] {
  const handles = (process as unknown as { _getActiveHandles?: () => unknown[] })._getActiveHandles?.() ?? [];
  return handles.filter((h): h is net.Server => h instanceof net.Server && h.listening);
}

/** The addresses this process listens on for TCP. */
export function listeningAddresses(): string[] {
  return listeningServers().flatMap((s) => {
    const a = s.address();
    return a && typeof a === "object" ? [a.address] : [];
  });
}

/** The first address beyond loopback this process listens on, or null (also when none is found yet). */
export function exposedAddress(): string | null {
  return listeningAddresses().find((a) => !isLoopbackHost(a.includes(":") ? `[${a}]` : a)) ?? null;
}

/** What the app says when it refuses to start (the same words as the `npm start` entry). */
export function exposedRefusal(address: string): string {
  return `Refusing to listen on ${address} without ADMIN_TOKEN: admin actions would be open to the network. Set ADMIN_TOKEN, or HOST=127.0.0.1 (HOSTNAME=127.0.0.1 for Next's server.js, -H 127.0.0.1 for next start).`;
}

const STAMPED = Symbol.for("ticketing.stampsRequests");

/** Stamps every request of this process's HTTP servers (see above); how many servers it found. */
export function stampRequests(): number {
  if (process.env.VERCEL) return 0; // the platform's sockets are its proxy's, not the client's
  // The `npm start` entry made the secret before Next loaded, and stamps every request itself.
  if (existing<string>("edge-secret") !== undefined && !existing("edge-by-listener")) return 0;
  const servers = listeningServers().filter((s): s is http.Server => s instanceof http.Server && !(s as unknown as Record<symbol, boolean>)[STAMPED]);
  if (servers.length === 0) return 0;
  const secret = edgeSecret();
  singleton("edge-by-listener", () => true);
  const hops = trustedHops(process.env.TRUST_PROXY);
  for (const server of servers) {
    (server as unknown as Record<symbol, boolean>)[STAMPED] = true;
    server.prependListener("request", (req: http.IncomingMessage) => markRequest(req, hops, secret));
  }
  return servers.length;
}
