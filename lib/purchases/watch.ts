import "server-only";
import { db } from "@/lib/db/client";
import { logger } from "@/lib/platform/logger";
import { singleton } from "@/lib/platform/singleton";
import { purchasesChanged } from "./notify";

// Requests waiting for their purchase to be served are many; the database should not see one
// poll per request. One poller per process asks, a few times a second, which of the watched
// purchases have left the queue — whichever process served them — and wakes their waiters.
const POLL_MS = 200;

type Watcher = { ids: Map<bigint, number>; timer: NodeJS.Timeout | undefined };
function watcher(): Watcher {
  return singleton("purchase-watcher", (): Watcher => ({ ids: new Map(), timer: undefined }));
}

export function watchPurchase(id: bigint): () => void {
  const w = watcher();
  w.ids.set(id, (w.ids.get(id) ?? 0) + 1);
  if (!w.timer) w.timer = setTimeout(poll, POLL_MS);
  return () => {
    const n = (w.ids.get(id) ?? 1) - 1;
    if (n <= 0) w.ids.delete(id);
    else w.ids.set(id, n);
  };
}

async function poll(): Promise<void> {
  const w = watcher();
  w.timer = undefined;
  const ids = [...w.ids.keys()];
  if (ids.length === 0) return;
  try {
    for (let i = 0; i < ids.length; i += 1_000) {
      const done = await db().$queryRawUnsafe<{ id: bigint | number }[]>(`SELECT id FROM Purchase WHERE id IN (${ids.slice(i, i + 1_000).join(",")}) AND status <> 'QUEUED'`);
      purchasesChanged(done.map((d) => BigInt(d.id)));
    }
  } catch (err) {
    logger().warn({ err }, "watching queued purchases failed; retrying");
  }
  if (w.ids.size > 0 && !w.timer) w.timer = setTimeout(poll, POLL_MS);
}
