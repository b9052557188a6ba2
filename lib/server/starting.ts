import "server-only";
import { AppError } from "@/lib/contracts/errors";
import { singleton } from "@/lib/platform/singleton";

// Whether this process has finished starting (lib/server/boot.ts): until its database has
// answered and its migrations are applied, a request would meet a database that is not there
// yet, a node that is not synced, or tables without their newest columns. It is answered 503
// with Retry-After instead (a balancer sends it elsewhere), never a 500. A process that never
// boots (a test calling handlers directly) is not held back.

const state = () => singleton("starting", () => ({ began: false, ready: false }));

export function startingBegan(): void {
  state().began = true;
}

export function startingDone(): void {
  state().ready = true;
}

export function starting(): boolean {
  const s = state();
  return s.began && !s.ready;
}

export const STARTING_MESSAGE = "This server is starting: its database is not ready yet (not answering, not synced with its cluster, or being migrated); try again in a moment";

export function refuseWhileStarting(): void {
  if (starting()) throw new AppError("db_unavailable", STARTING_MESSAGE, { retryAfter: 5 });
}
