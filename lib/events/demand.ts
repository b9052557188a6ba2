import "server-only";
import { DEMAND_MS, engine } from "@/lib/engine/engine";
import { kickDeliveries } from "@/lib/webhooks/deliver";

// ENGINE_MODE=on-demand: nothing runs between requests, so every request that concerns an
// event — a page, an API call, a purchase, an open live stream, the cron — asks this instance
// to drive it for a moment (lib/engine/engine.ts `want`), and sends the webhook deliveries that
// are due (lib/webhooks/deliver.ts). In background mode these do nothing: timers do both.

/** A request for the event came: drive it from here for a while if nobody else does (never waits, never throws). */
export function demand(eventId: number): void {
  const e = engine();
  if (e.mode !== "on-demand") return;
  void e.want(eventId).catch(() => undefined);
  kickDeliveries();
}

/** As `demand`, renewed every second until `signal` aborts: an open stream drives its event while it lasts. */
export function demandWhileOpen(eventId: number, signal: AbortSignal): void {
  const e = engine();
  if (e.mode !== "on-demand" || signal.aborted) return;
  demand(eventId);
  const timer = setInterval(() => demand(eventId), DEMAND_MS / 2);
  timer.unref?.();
  signal.addEventListener("abort", () => clearInterval(timer), { once: true });
}
