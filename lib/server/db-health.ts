import "server-only";
import { databaseAnswers } from "@/lib/db/client";
import { singleton } from "@/lib/platform/singleton";

// Whether the database answers, as pages need to know it before they render: proxy.ts serves a
// "database unavailable" page (503) instead of a page that would fail half-way. One probe a
// second at most, shared by every request, and a probe that hangs counts as down.

const FRESH_MS = 1_000;
const PROBE_TIMEOUT_MS = 1_500;

type Health = { at: number; up: boolean; probe: Promise<boolean> | null };

export function databaseUp(): Promise<boolean> {
  const h = singleton<Health>("db-health-state", () => ({ at: 0, up: true, probe: null }));
  if (Date.now() - h.at < FRESH_MS) return Promise.resolve(h.up);
  h.probe ??= Promise.race([databaseAnswers(), new Promise<boolean>((r) => setTimeout(() => r(false), PROBE_TIMEOUT_MS).unref())]).then((up) => {
    Object.assign(h, { at: Date.now(), up, probe: null });
    return up;
  });
  return h.probe;
}

/** Offers the check to proxy.ts (called once at boot). */
export function offerDbHealth(): void {
  singleton("db-health", () => databaseUp);
}
