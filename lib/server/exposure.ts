import "server-only";
import net from "node:net";
import { isLoopbackHost } from "./edge.mjs";

// Whether this process is reachable beyond this machine, which without ADMIN_TOKEN it must not
// be: the app looks at the addresses it actually listens on — a flag or variable could name
// one thing and bind another. (The same servers get the app's front: lib/server/front.ts.)

/** The TCP servers this process listens on (Node's undocumented `process._getActiveHandles()`; empty where it is missing). */
export function listeningServers(): net.Server[] {
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

/** What the app says when it refuses to start (the same words as the `npm start` entry, which checks before it listens). */
export function exposedRefusal(address: string): string {
  return `Refusing to listen on ${address} without ADMIN_TOKEN: admin actions would be open to the network. Set ADMIN_TOKEN, or HOST=127.0.0.1 (HOSTNAME=127.0.0.1 for Next's server.js, -H 127.0.0.1 for next start).`;
}
