import "server-only";
import { deleteSession, insertSession, sessionLive } from "@/lib/db/admin-sessions";
import { AppError } from "@/lib/contracts/errors";
import { env } from "@/lib/platform/env";
import { existing } from "@/lib/platform/singleton";
import { clientOf, fromOwnOrigin, isLoopbackAddress, isLoopbackHost, type HeaderSource } from "./client";
import { limitSignIn } from "./rate-limit";
import { newSessionId, sameSecret, SESSION_TTL_MS, signSession, verifySession } from "./session";

// Admin access (DESIGN §6). With ADMIN_TOKEN: `Authorization: Bearer <token>` for the API, or
// the signed session cookie the sign-in form sets (lib/server/session.ts), and nothing else —
// never an address. Without it the server listens on loopback only (it refuses to start on
// any other address), so every connection is from this machine; admin is still
// refused to a request that came through a proxy (a forwarding header) or names a host that
// is not loopback (a DNS-rebinding page), and the UI warns. Requests authenticated by the
// cookie or by loopback, which a browser sends by itself, must come from the app's own pages
// when they change something (`fromOwnOrigin`).

export { type HeaderSource } from "./client";

export const ADMIN_COOKIE = "ticketing_admin";

export type AdminMode = "token" | "loopback";
/** How a caller proved it is the admin. */
export type AdminVia = "token" | "session" | "loopback";

/** Why nobody is admin on a server that cannot see the socket (said by the boot log, the API and the banner). */
export const LOOPBACK_UNSEEN = "Admin is off: without ADMIN_TOKEN, admin is open only to this machine, and this server cannot see where a request comes from (its requests reach it through a platform's proxy, not from a socket of its own). Set ADMIN_TOKEN, or run the app on your own machine (`npm start`, `next start` or `node .next/standalone/server.js`)";

/** Whether this process can tell a request from this machine: every request is stamped with its socket's address (the app's front, lib/server/front.ts). */
export function seesSockets(): boolean {
  return existing<string>("edge-secret") !== undefined;
}

export function adminMode(): AdminMode {
  return env().ADMIN_TOKEN ? "token" : "loopback";
}

/** How this request proves it is the admin, or null (whether it came from the app's own pages is checked by the callers below). */
export async function adminVia(headers: HeaderSource, cookie: string | undefined): Promise<AdminVia | null> {
  const token = env().ADMIN_TOKEN;
  if (!token) {
    // Only the stamp says where a request came from (lib/server/exposure.ts). Without it (a
    // platform's runtime, whose sockets are its proxy's), nothing a client sends can say so —
    // a Host header is the client's to write — so admin is nobody's.
    const client = clientOf(headers);
    if (!client.stamped || client.forwarded || !isLoopbackAddress(client.address)) return null;
    if (!isLoopbackHost(headers.get("host"))) return null;
    return "loopback";
  }
  const auth = headers.get("authorization");
  if (auth !== null && /^Bearer /i.test(auth)) {
    if (sameSecret(auth.slice(7).trim(), token)) return "token";
    limitSignIn(headers); // a wrong token is a guess, and counts as one
    return null;
  }
  const claim = verifySession(token, cookie);
  return claim && (await sessionLive(claim.id)) ? "session" : null;
}

export async function isAdmin(headers: HeaderSource, cookie: string | undefined, stateChange = false): Promise<boolean> {
  const via = await adminVia(headers, cookie);
  return via !== null && (via === "token" || !stateChange || fromOwnOrigin(headers));
}

export async function requireAdmin(headers: HeaderSource, cookie: string | undefined, stateChange = true): Promise<void> {
  const via = await adminVia(headers, cookie);
  if (via !== null) {
    if (via === "token" || !stateChange || fromOwnOrigin(headers)) return;
    throw new AppError("forbidden", "This request came from another site: admin actions are taken only from this app's own pages");
  }
  if (adminMode() === "loopback") {
    if (!clientOf(headers).stamped) throw new AppError("forbidden", LOOPBACK_UNSEEN);
    throw new AppError("forbidden", "Admin actions are allowed only from this machine, without a proxy, until ADMIN_TOKEN is set");
  }
  throw new AppError("unauthorized", "This needs an admin: sign in as the operator, or send Authorization: Bearer <ADMIN_TOKEN>");
}

/** Sign-in: checks the token (attempts are limited) and opens a session; the cookie value to set, or null for a wrong token. */
export async function openSession(headers: HeaderSource, candidate: string): Promise<{ cookie: string; maxAgeS: number } | null> {
  const token = env().ADMIN_TOKEN;
  limitSignIn(headers);
  if (!token || !sameSecret(candidate, token)) return null;
  const claim = { id: newSessionId(), expiresAt: Date.now() + SESSION_TTL_MS };
  await insertSession(claim.id, new Date(claim.expiresAt));
  return { cookie: signSession(token, claim), maxAgeS: SESSION_TTL_MS / 1000 };
}

/** Sign-out: the session the cookie names is deleted, so the cookie is refused everywhere from now on. */
export async function closeSession(cookie: string | undefined): Promise<void> {
  const token = env().ADMIN_TOKEN;
  const claim = token ? verifySession(token, cookie) : null;
  if (claim) await deleteSession(claim.id);
}

/** Whether the session cookie may carry `Secure`: only over https as the server itself saw it (or TRUST_PROXY's proxy said). */
export function cookieSecure(headers: HeaderSource): boolean {
  return clientOf(headers).https;
}

/** The caller as pages see it: signed in (cookie or loopback), whether a token is required at all, and whether loopback admin is off because this server cannot see sockets. */
export async function adminSession(headers: HeaderSource, cookie: string | undefined): Promise<{ admin: boolean; mode: AdminMode; loopbackUnseen: boolean }> {
  // The database down, or too many wrong tokens: the page is shown as a visitor's.
  const admin = await isAdmin(headers, cookie).catch(() => false);
  return { admin, mode: adminMode(), loopbackUnseen: adminMode() === "loopback" && !seesSockets() };
}
