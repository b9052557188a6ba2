import "server-only";
import { AppError } from "@/lib/contracts/errors";
import { env } from "@/lib/platform/env";
import { singleton } from "@/lib/platform/singleton";
import type { HeaderSource } from "./auth";

// A token bucket per client address for the public purchase endpoint: bursts are fine, a
// flood is told to slow down (429 with Retry-After) before it reaches the database. Per
// process, which is enough to blunt a single misbehaving client.

export type RateLimit = { perSecond: number; burst: number };

type Bucket = { tokens: number; at: number };

/** Takes one token for `key`; returns 0 when allowed, else the seconds to wait. */
export function takeToken(key: string, limit: RateLimit, now = Date.now()): number {
  const buckets = singleton("rate-limit-buckets", () => new Map<string, Bucket>());
  if (buckets.size > 10_000) {
    for (const [k, b] of buckets) if (now - b.at > 60_000) buckets.delete(k);
  }
  const b = buckets.get(key) ?? { tokens: limit.burst, at: now };
  b.tokens = Math.min(limit.burst, b.tokens + ((now - b.at) / 1000) * limit.perSecond);
  b.at = now;
  buckets.set(key, b);
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return 0;
  }
  return Math.ceil((1 - b.tokens) / limit.perSecond);
}

export function clientAddress(headers: HeaderSource): string {
  return (headers.get("x-forwarded-for") ?? "").split(",")[0].trim() || "local";
}

/** The one purchase budget for the API and the buyer page; admins are not limited. */
export function limitPurchases(headers: HeaderSource, admin: boolean): void {
  if (admin) return;
  const { PURCHASE_RATE_PER_SECOND: perSecond, PURCHASE_RATE_BURST: burst } = env();
  const wait = takeToken(clientAddress(headers), { perSecond, burst });
  if (wait > 0) throw new AppError("rate_limited", `Too many purchase requests from your address: try again in ${wait} s`, { retryAfter: wait });
}
