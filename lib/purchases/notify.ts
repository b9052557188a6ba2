import "server-only";
import { EventEmitter } from "node:events";

// In-process signal "this purchase changed", so a request waiting for its purchase wakes at
// once when this process's batch served it. Another process serving it is seen by polling.
const holder = globalThis as unknown as { __ticketingPurchaseSignals?: EventEmitter };

function signals(): EventEmitter {
  if (!holder.__ticketingPurchaseSignals) {
    holder.__ticketingPurchaseSignals = new EventEmitter();
    holder.__ticketingPurchaseSignals.setMaxListeners(0);
  }
  return holder.__ticketingPurchaseSignals;
}

export function purchasesChanged(ids: bigint[]): void {
  for (const id of ids) signals().emit(String(id));
}

/** Resolves when the purchase changes here, or after `ms`, whichever is first. */
export function nextChange(id: bigint, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signals().off(String(id), done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signals().once(String(id), done);
  });
}
