import "server-only";
import { existing } from "@/lib/platform/singleton";
import { timingSafeEqual } from "node:crypto";

// Who sent a request, as far as anything but a client's say-so tells: the app's front
// (lib/server/front.ts) stamps every request with what it saw on the socket (lib/server/edge.mjs)
// and a per-process secret that proves it. Without a front (a platform's runtime, such as
// Vercel's), nothing of the kind is trusted: the address is unknown and the connection counts
// as plain http.

/** What auth reads of a request's headers: a web `Headers`, or the Node fast path's view of its request. */
export type HeaderSource = Pick<Headers, "get">;

export type Client = {
  /** The client's address within TRUST_PROXY's hops, or "unknown" without the front. */
  address: string;
  /** The request came through a proxy (it carries a forwarding header). */
  forwarded: boolean;
  /** The connection is https (as TRUST_PROXY allows a proxy to say). */
  https: boolean;
  /** The front stamped the request: the fields above come from the socket. */
  stamped: boolean;
};

export function clientOf(headers: HeaderSource): Client {
  const secret = existing<string>("edge-secret");
  const stamp = headers.get("x-ticketing-edge");
  if (secret && stamp && sameStamp(stamp, secret)) {
    return {
      address: headers.get("x-ticketing-client") || "unknown",
      forwarded: headers.get("x-ticketing-forwarded") === "1",
      https: headers.get("x-ticketing-proto") === "https",
      stamped: true,
    };
  }
  return { address: "unknown", forwarded: false, https: false, stamped: false };
}

/**
 * The stamp against the process's secret, in constant time. The secret has a fixed, public
 * length (32 hex digits), so comparing bytes directly leaks nothing — and spares every request
 * the two HMACs that sameSecret spends to hide the length of a token.
 */
function sameStamp(stamp: string, secret: string): boolean {
  const a = Buffer.from(stamp);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

export { isLoopbackHost } from "./edge.mjs";

export function isLoopbackAddress(address: string): boolean {
  return address === "::1" || address === "::ffff:127.0.0.1" || /^127(\.\d{1,3}){3}$/.test(address);
}

export { fromOwnOrigin } from "@/lib/platform/origin";
