import "server-only";
import { cancelRunHolds } from "@/lib/pool/holds";
import { AppError } from "@/lib/contracts/errors";
import type { EventView } from "@/lib/contracts/event";
import { formatCount as count } from "@/lib/contracts/format";
import { db } from "@/lib/db/client";
import { lockEventOrThrow } from "@/lib/db/lock";
import { engine } from "@/lib/engine/engine";
import { appendLogs, logRow } from "@/lib/log/append";
import { cancelQueuedPurchases } from "@/lib/purchases/ledger";
import { enqueueWebhooks } from "@/lib/webhooks/outbox";
import { recordRunStart } from "./run-record";
import { getEventView } from "./view";

// Start, stop and reset: each is one transaction on the locked event row (status change,
// actor states, log row), then the engine of this process follows the database.

export async function startEvent(eventId: number, actor = "operator"): Promise<EventView> {
  const start = () => db().$transaction(async (tx) => {
    const ev = await lockEventOrThrow(tx, eventId);
    if (ev.status === "RUNNING") throw new AppError("invalid_state", "The event is already running");
    if (ev.status === "SOLD_OUT") throw new AppError("invalid_state", "The event is sold out; reset it to start a new run");
    await tx.$executeRawUnsafe("UPDATE Event SET status = 'RUNNING', advancedAt = NOW(3), updatedAt = ? WHERE id = ?", new Date(), eventId);
    for (const table of ["Vendor", "Customer"]) {
      await tx.$executeRawUnsafe(`UPDATE ${table} SET state = IF(paused, 'PAUSED', 'WORKING') WHERE eventId = ? AND removedAt IS NULL`, eventId);
    }
    await appendLogs(tx, [logRow({ eventId, run: ev.run }, ev, { kind: "STARTED", actor, message: ev.status === "IDLE" ? `Run ${ev.run} started` : `Run ${ev.run} resumed` })]);
    if (ev.status === "IDLE") await recordRunStart(tx, eventId, ev.run);
    await enqueueWebhooks(tx, eventId, [{ type: "event.started", at: new Date(), data: { eventId, run: ev.run, resumed: ev.status !== "IDLE", released: ev.released, sold: ev.sold, available: ev.available, totalTickets: ev.totalTickets } }]);
  });
  // This instance drives the run if it can take the lease; otherwise the instance that holds it
  // (or, within a second, any instance's watcher) does.
  if (engine().mode === "on-demand") {
    await start();
    await engine().want(eventId);
  } else await engine().startAndLead(eventId, start);
  return getEventView(eventId);
}

export async function stopEvent(eventId: number, actor = "operator"): Promise<EventView> {
  await db().$transaction(async (tx) => {
    const ev = await lockEventOrThrow(tx, eventId);
    if (ev.status !== "RUNNING") throw new AppError("invalid_state", `Only a running event can be stopped; this one is ${ev.status}`);
    await tx.$executeRawUnsafe("UPDATE Event SET status = 'STOPPED', updatedAt = ? WHERE id = ?", new Date(), eventId);
    for (const table of ["Vendor", "Customer"]) {
      await tx.$executeRawUnsafe(`UPDATE ${table} SET state = 'PAUSED' WHERE eventId = ? AND removedAt IS NULL AND state <> 'DONE'`, eventId);
    }
    // Simulated customers stop asking; real buyers keep their place in line for the restart.
    await cancelQueuedPurchases(tx, { eventId, run: ev.run, simulatedOnly: true });
    await appendLogs(tx, [logRow({ eventId, run: ev.run }, ev, { kind: "STOPPED", actor, message: `Run ${ev.run} stopped with ${count(ev.available)} tickets in the pool` })]);
    await enqueueWebhooks(tx, eventId, [{ type: "event.stopped", at: new Date(), data: { eventId, run: ev.run, released: ev.released, sold: ev.sold, available: ev.available, totalTickets: ev.totalTickets } }]);
  });
  await engine().halt(eventId);
  return getEventView(eventId);
}

/** Starts a new run: counters back to zero, the old run's tickets and log kept as history. */
export async function resetEvent(eventId: number, actor = "operator"): Promise<EventView> {
  await engine().halt(eventId);
  await db().$transaction(async (tx) => {
    const ev = await lockEventOrThrow(tx, eventId);
    const run = ev.run + 1;
    // The old run's line is closed: nobody waits for a run that is over.
    await cancelQueuedPurchases(tx, { eventId, run: ev.run, simulatedOnly: false });
    // …and its checkout holds end too: their tickets go back before the run is closed.
    await cancelRunHolds(tx, eventId, ev, new Date());
    await tx.$executeRawUnsafe("UPDATE Event SET status = 'IDLE', run = ?, released = 0, sold = 0, available = 0, held = 0, updatedAt = ? WHERE id = ?", run, new Date(), eventId);
    await tx.$executeRawUnsafe("UPDATE Vendor SET state = 'PAUSED', released = 0 WHERE eventId = ? AND removedAt IS NULL", eventId);
    await tx.$executeRawUnsafe("UPDATE Customer SET state = 'PAUSED', bought = 0 WHERE eventId = ? AND removedAt IS NULL", eventId);
    const message = `Run ${run} begins; run ${ev.run} ended with ${count(ev.sold)} of ${count(ev.totalTickets)} sold and is kept in history`;
    await appendLogs(tx, [logRow({ eventId, run }, { released: 0, sold: 0, available: 0 }, { kind: "RESET", actor, message })]);
  });
  return getEventView(eventId);
}
