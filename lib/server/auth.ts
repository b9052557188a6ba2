import "server-only";
import { createHash, timingSafeEqual } from "node:crypto";
import { AppError } from "@/lib/contracts/errors";
import { env } from "@/lib/platform/env";

// Admin access (DESIGN §6): `Authorization: Bearer <ADMIN_TOKEN>` for the API, an httpOnly
// cookie for pages and server actions. Without ADMIN_TOKEN, admin actions are allowed only
// from loopback — a convenience for a developer machine; the UI says so. (Next fills
// x-forwarded-for from the socket only when the client sent none, so behind anything but
// localhost, set ADMIN_TOKEN.)

export const ADMIN_COOKIE = "ticketing_admin";

/** What auth reads of a request's headers: a web `Headers`, or the Node fast path's view of its request. */
export type HeaderSource = Pick<Headers, "get">;

export type AdminMode = "token" | "loopback";

export function adminMode(): AdminMode {
  return env().ADMIN_TOKEN ? "token" : "loopback";
}

export function adminCookieValue(token: string): string {
  return createHash("sha256").update(`ticketing-admin:${token}`).digest("hex");
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function isLoopback(headers: HeaderSource): boolean {
  const first = (headers.get("x-forwarded-for") ?? "").split(",")[0].trim();
  return first === "" || first === "127.0.0.1" || first === "::1" || first === "::ffff:127.0.0.1";
}

export function isAdmin(headers: HeaderSource, cookie: string | undefined): boolean {
  const token = env().ADMIN_TOKEN;
  if (!token) return isLoopback(headers);
  const auth = headers.get("authorization") ?? "";
  if (auth.startsWith("Bearer ") && same(auth.slice(7).trim(), token)) return true;
  return cookie !== undefined && same(cookie, adminCookieValue(token));
}

export function requireAdmin(headers: HeaderSource, cookie: string | undefined): void {
  if (isAdmin(headers, cookie)) return;
  if (adminMode() === "loopback") throw new AppError("forbidden", "Admin actions are allowed only from this machine until ADMIN_TOKEN is set");
  throw new AppError("unauthorized", "This needs an admin: sign in as the operator, or send Authorization: Bearer <ADMIN_TOKEN>");
}

export function checkToken(candidate: string): boolean {
  const token = env().ADMIN_TOKEN;
  return token !== undefined && same(candidate, token);
}

/** The caller as pages see it: signed in (cookie or loopback), and whether a token is required at all. */
export function adminSession(headers: HeaderSource, cookie: string | undefined): { admin: boolean; mode: AdminMode } {
  return { admin: isAdmin(headers, cookie), mode: adminMode() };
}
