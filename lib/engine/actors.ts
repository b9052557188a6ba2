import "server-only";
import type { CustomerRef, Market, VendorRef } from "@/lib/pool/market";
import { RateMeter } from "./rate";

// Vendors and customers are async loops that wake once per tick (or once per ticket at slow
// rates), work out how many tickets their rate allows since last time, and hand that batch to
// the pool. A blocked actor simply awaits its request: no spinning, no dropped tickets.

export type ActorContext = { market: Market; signal: AbortSignal; tickMs: number };

export async function runVendor(ctx: ActorContext, vendor: VendorRef, ratePerSecond: number): Promise<void> {
  const meter = new RateMeter(ratePerSecond, Date.now());
  while (!ctx.signal.aborted) {
    await sleep(meter.delayMs(ctx.tickMs), ctx.signal);
    const due = meter.take(Date.now());
    if (ctx.signal.aborted) return;
    if (due === 0) continue;
    const outcome = await ctx.market.release(vendor, due);
    if (outcome.result !== "done") return;
    if (outcome.waited) meter.restart(Date.now());
  }
}

export async function runCustomer(ctx: ActorContext, customer: CustomerRef, ratePerSecond: number): Promise<void> {
  const meter = new RateMeter(ratePerSecond, Date.now());
  while (!ctx.signal.aborted) {
    await sleep(meter.delayMs(ctx.tickMs), ctx.signal);
    const due = meter.take(Date.now());
    if (ctx.signal.aborted) return;
    if (due === 0) continue;
    const outcome = await ctx.market.buy(customer, due);
    if (outcome.result !== "done") return;
    if (outcome.waited) meter.restart(Date.now());
  }
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
