import "server-only";
import { EventEmitter } from "node:events";
import { singleton } from "@/lib/platform/singleton";

// In-process signal "this purchase changed", so a request waiting for its purchase wakes at
// once when this process's batch served it. Another process serving it is seen by polling.
function signals(): EventEmitter {
  return singleton("purchase-signals", () => {
    const emitter = new EventEmitter();
    emitter.setMaxListeners(0);
    return emitter;
  });
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
