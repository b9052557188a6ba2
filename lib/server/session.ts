import "server-only";
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

// The operator's session cookie: `<id>.<expiry ms>.<HMAC-SHA256(id.expiry)>`, keyed by a key
// derived from ADMIN_TOKEN. The signature lets any instance refuse a forged, altered or
// expired cookie without a database read; changing ADMIN_TOKEN changes the key and so voids
// every session at once. The session row (lib/db/admin-sessions.ts) is what makes sign-out
// revoke the cookie before it expires. Pure: no I/O here.

export const SESSION_TTL_MS = 12 * 3600 * 1000;

export type SessionClaim = { id: string; expiresAt: number };

function key(token: string): Buffer {
  return createHmac("sha256", token).update("ticketing-admin-session-v1").digest();
}

function mac(token: string, payload: string): Buffer {
  return createHmac("sha256", key(token)).update(payload).digest();
}

export function newSessionId(): string {
  return randomBytes(16).toString("hex");
}

export function signSession(token: string, claim: SessionClaim): string {
  const payload = `${claim.id}.${claim.expiresAt}`;
  return `${payload}.${mac(token, payload).toString("base64url")}`;
}

/** The session a cookie names, if its signature holds under this token and it has not expired. */
export function verifySession(token: string, cookie: string | undefined, now = Date.now()): SessionClaim | null {
  if (!cookie || cookie.length > 200) return null;
  const m = /^([0-9a-f]{32})\.(\d{13})\.([A-Za-z0-9_-]{43})$/.exec(cookie);
  if (!m) return null;
  const expected = mac(token, `${m[1]}.${m[2]}`);
  const given = Buffer.from(m[3], "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const expiresAt = Number(m[2]);
  return expiresAt > now ? { id: m[1], expiresAt } : null;
}

/** Constant-time string equality (hashing first makes the comparison independent of length too). */
export function sameSecret(a: string, b: string): boolean {
  const x = createHmac("sha256", "ticketing-compare").update(a).digest();
  const y = createHmac("sha256", "ticketing-compare").update(b).digest();
  return timingSafeEqual(x, y);
}
