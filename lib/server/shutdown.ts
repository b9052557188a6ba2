import "server-only";
import { AppError } from "@/lib/contracts/errors";
import { singleton } from "@/lib/platform/singleton";

// Whether this process is draining (SIGTERM received, lib/server/boot.ts): from then on every
// new request is answered 503 with Retry-After, so a balancer sends it elsewhere, while the
// requests already in flight finish.

const state = () => singleton("draining", () => ({ since: 0 }));

export function startDraining(): void {
  state().since ||= Date.now();
}

export function draining(): boolean {
  return state().since > 0;
}

export function refuseWhileDraining(): void {
  if (draining()) throw new AppError("shutting_down", "This server is shutting down: try again in a moment (another instance may answer)", { retryAfter: 2 });
}
