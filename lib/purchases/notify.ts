import "server-only";
import { EventEmitter } from "node:events";
import type { PurchaseStatus } from "@/lib/contracts/purchase";
import { singleton } from "@/lib/platform/singleton";

// In-process signal "this purchase changed", so a request waiting for its purchase wakes at
// once when this process's batch served it — with the outcome itself, so the answer needs no
// read of its own. Another process serving it is seen by polling (watch.ts), without data.

/** What a batch decided for a real buyer's purchase. */
export type Settled = { id: bigint; status: Exclude<PurchaseStatus, "QUEUED">; ticketIds: bigint[]; completedAt: Date | null; waitMs: number | null; holdExpiresAt?: Date };

function signals(): EventEmitter {
  return singleton("purchase-signals", () => {
    const emitter = new EventEmitter();
    emitter.setMaxListeners(0);
    return emitter;
  });
}

export function purchasesChanged(changes: (bigint | Settled)[]): void {
  for (const c of changes) {
    if (typeof c === "bigint") signals().emit(String(c), null);
    else signals().emit(String(c.id), c);
  }
}

const ended = () => singleton("purchase-waits-ended", () => ({ at: 0 }));
const END = "end-of-waits";

/** Shutdown: every request waiting for its purchase stops waiting now (and answers with where it stands). */
export function endWaits(): void {
  ended().at ||= Date.now();
  signals().emit(END);
}

export function waitsEnded(): boolean {
  return ended().at > 0;
}

/** Resolves when the purchase changes here (with the outcome when a batch here settled it), or with null after `ms` (at once during shutdown). */
export function nextChange(id: bigint, ms: number): Promise<Settled | null> {
  return new Promise((resolve) => {
    const done = (settled: Settled | null) => {
      clearTimeout(timer);
      signals().off(String(id), done);
      signals().off(END, stop);
      resolve(settled);
    };
    const stop = () => done(null);
    const timer = setTimeout(stop, waitsEnded() ? 0 : Math.max(0, ms));
    signals().once(String(id), done);
    signals().once(END, stop);
  });
}
