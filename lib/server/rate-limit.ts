import "server-only";
import { AppError } from "@/lib/contracts/errors";
import { env } from "@/lib/platform/env";
import { singleton } from "@/lib/platform/singleton";
import { clientOf, type HeaderSource } from "./client";

// Token buckets for the public purchase endpoint and for sign-in: bursts are fine, a flood is
// told to slow down (429 with Retry-After) before it reaches the database. Keyed on what a
// client cannot forge — the address the server saw (lib/server/client.ts), a buyer's name, and
// one global bucket — never on a header a client writes. Per process. Memory is bounded: an
// LRU of at most MAX_BUCKETS buckets per limiter (a Map keeps insertion order, so touching a
// key re-inserts it at the end and the least recently used one is the first), O(1) a request.

export type RateLimit = { perSecond: number; burst: number };

type Bucket = { tokens: number; at: number };

export const MAX_BUCKETS = 10_000;

export class Limiter {
  private readonly buckets = new Map<string, Bucket>();
  constructor(private readonly max = MAX_BUCKETS) {}

  /** Takes one token for `key`; returns 0 when allowed, else the whole seconds to wait. */
  take(key: string, limit: RateLimit, now = Date.now()): number {
    const found = this.buckets.get(key);
    const b = found ?? { tokens: limit.burst, at: now };
    if (found) this.buckets.delete(key);
    else if (this.buckets.size >= this.max) this.buckets.delete(this.buckets.keys().next().value as string);
    this.buckets.set(key, b);
    b.tokens = Math.min(limit.burst, b.tokens + (Math.max(0, now - b.at) / 1000) * limit.perSecond);
    b.at = now;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / limit.perSecond));
  }

  get size(): number {
    return this.buckets.size;
  }
}

function limiter(name: string): Limiter {
  return singleton(`rate-limit-${name}`, () => new Limiter());
}

function refuse(wait: number, message: string): never {
  throw new AppError("rate_limited", `${message}: try again in ${wait} s`, { retryAfter: wait });
}

/** The per-address and global purchase budgets (API and buyer page alike); admins are not limited. */
export function limitPurchases(headers: HeaderSource, admin: boolean): void {
  if (admin) return;
  const e = env();
  const wait = limiter("address").take(clientOf(headers).address, { perSecond: e.PURCHASE_RATE_PER_SECOND, burst: e.PURCHASE_RATE_BURST });
  if (wait > 0) refuse(wait, "Too many purchase requests from your address");
  const all = limiter("global").take("all", { perSecond: e.PURCHASE_RATE_GLOBAL_PER_SECOND, burst: e.PURCHASE_RATE_GLOBAL_PER_SECOND * 2 });
  if (all > 0) refuse(all, "The sale is taking more purchase requests than it can answer");
}

/** The per-buyer budget, once the body names the buyer: rotating addresses does not buy more for one name. */
export function limitBuyer(eventId: number, buyer: string, admin: boolean): void {
  if (admin) return;
  const e = env();
  const wait = limiter("buyer").take(`${eventId}:${buyer.toLowerCase()}`, { perSecond: e.PURCHASE_RATE_PER_BUYER, burst: e.PURCHASE_RATE_PER_BUYER * 5 });
  if (wait > 0) refuse(wait, `Too many purchase requests for ${buyer}`);
}

/** Sign-in and bearer-token guesses: 10 a minute per address, 60 a minute in all. */
export function limitSignIn(headers: HeaderSource): void {
  const wait = limiter("sign-in").take(clientOf(headers).address, { perSecond: 10 / 60, burst: 10 });
  if (wait > 0) refuse(wait, "Too many sign-in attempts from your address");
  const all = limiter("sign-in-global").take("all", { perSecond: 1, burst: 60 });
  if (all > 0) refuse(all, "Too many sign-in attempts");
}
