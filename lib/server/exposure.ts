import "server-only";
import net from "node:net";
import { isLoopbackHost } from "./edge.mjs";

// Without ADMIN_TOKEN, admin is open to this machine only, so the server may only listen where
// nothing else can reach it. The `npm start` entry checks HOST before it listens; under
// `next start`, `next dev` and Next's bare server.js the app starts after the server already
// listens (instrumentation.ts runs once Next's server is up), so it looks at the sockets this
// process actually listens on — a flag or variable could name one thing and bind another.

/** The addresses this process listens on for TCP (Node's own servers, whoever made them). */
export function listeningAddresses(): string[] {
  const handles = (process as unknown as { _getActiveHandles?: () => unknown[] })._getActiveHandles?.() ?? [];
  const out: string[] = [];
  for (const h of handles) {
    if (!(h instanceof net.Server) || !h.listening) continue;
    const a = h.address();
    if (a && typeof a === "object") out.push(a.address);
  }
  return out;
}

/** The first address beyond loopback this process listens on, or null (also when none is found yet). */
export function exposedAddress(): string | null {
  return listeningAddresses().find((a) => !isLoopbackHost(a.includes(":") ? `[${a}]` : a)) ?? null;
}

/** What the app says when it refuses to start (the same words as the `npm start` entry). */
export function exposedRefusal(address: string): string {
  return `Refusing to listen on ${address} without ADMIN_TOKEN: admin actions would be open to the network. Set ADMIN_TOKEN, or HOST=127.0.0.1 (HOSTNAME=127.0.0.1 for Next's server.js, -H 127.0.0.1 for next start).`;
}
