import "server-only";
import { RateMeter } from "./rate";

// A vendor and a customer are the same loop: wake once per tick (or once per ticket at slow
// rates), work out how many tickets the rate allows since last time, and hand that batch to
// the pool — `step` releases them for a vendor, buys them for a customer. A blocked actor
// simply awaits its step: no spinning, no dropped tickets.

export type StepOutcome = { result: string; waited: boolean };

export async function runActor(signal: AbortSignal, tickMs: number, ratePerSecond: number, step: (due: number) => Promise<StepOutcome>): Promise<void> {
  const meter = new RateMeter(ratePerSecond, Date.now());
  while (!signal.aborted) {
    await sleep(meter.delayMs(tickMs), signal);
    const due = meter.take(Date.now());
    if (signal.aborted) return;
    if (due === 0) continue;
    const outcome = await step(due);
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
