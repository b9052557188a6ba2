import "server-only";
import type { PurchaseStatus } from "@/lib/contracts/purchase";
import { readRows } from "@/lib/db/read";
import { logger } from "@/lib/platform/logger";
import { singleton } from "@/lib/platform/singleton";
import { purchasesChanged, type Settled } from "./notify";

// Requests waiting for their purchase to be served are many; the database should not see one
// poll per request. One poller per process asks, 20 times a second, which of the watched
// purchases have left the queue — whichever process served them — and wakes their waiters
// with the outcome (status, tickets), so that the answer needs no read of its own. That is the
// path of almost every purchase on a serverless platform, where the instance a request lands
// on rarely drives the sale: one batched read of a few hundred rows for all of them, on the
// mysql2 read pool, instead of two ORM reads per purchase.
const POLL_MS = 50;
const CHUNK = 1_000;

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
    for (let i = 0; i < ids.length; i += CHUNK) purchasesChanged(await outcomes(ids.slice(i, i + CHUNK)));
  } catch (err) {
    logger().warn({ err }, "watching queued purchases failed; retrying");
  }
  if (w.ids.size > 0 && !w.timer) w.timer = setTimeout(poll, POLL_MS);
}

type Done = { id: number | string; status: Exclude<PurchaseStatus, "QUEUED">; completedAt: Date | null; waitMs: number | null; holdExpiresAt: Date | null };

/** The outcomes of those of these purchases that have left the queue, with their tickets. */
async function outcomes(ids: bigint[]): Promise<Settled[]> {
  const done = await readRows<Done>(`SELECT id, status, completedAt, waitMs, holdExpiresAt FROM Purchase WHERE id IN (${ids.join(",")}) AND status <> 'QUEUED'`);
  if (done.length === 0) return [];
  // Tickets belong to a completed purchase, and to a hold while it lasts.
  const completed = done.filter((d) => d.status === "COMPLETED" || d.status === "HELD").map((d) => String(d.id));
  const tickets = new Map<string, bigint[]>();
  if (completed.length > 0) {
    const rows = await readRows<{ id: number | string; purchaseId: number | string }>(`SELECT id, purchaseId FROM Ticket WHERE purchaseId IN (${completed.join(",")}) ORDER BY id`);
    for (const r of rows) {
      const key = String(r.purchaseId);
      tickets.set(key, [...(tickets.get(key) ?? []), BigInt(r.id)]);
    }
  }
  return done.map((d) => ({
    id: BigInt(d.id),
    status: d.status,
    ticketIds: tickets.get(String(d.id)) ?? [],
    completedAt: d.completedAt,
    waitMs: d.status === "COMPLETED" || d.status === "HELD" ? d.waitMs : null,
    ...(d.holdExpiresAt ? { holdExpiresAt: d.holdExpiresAt } : {}),
  }));
}
