import "server-only";
import { db } from "@/lib/db/client";
import { engine, instanceId } from "@/lib/engine/engine";
import { env } from "@/lib/platform/env";
import { expireWaits } from "@/lib/purchases/cancel";
import { deliverDue, type PassResult } from "@/lib/webhooks/deliver";

// The cron call (GET /api/cron/advance, as Vercel Cron sends it): every running event is
// driven from here for a moment — caught up for the time nobody drove it — unless another
// instance drives it, which this call leaves alone and names. Real buyers who have waited
// past PURCHASE_MAX_WAIT_MS leave the line here too, and due webhook deliveries are sent, since
// on demand no timer does either.

export type Advanced = { id: number; driving: boolean; driver: string | null };

export async function advanceRunning(): Promise<{ mode: string; instance: string; events: Advanced[]; expiredWaits: number; webhooks: PassResult }> {
  const running = await db().event.findMany({ where: { status: "RUNNING" }, select: { id: true }, orderBy: { id: "asc" } });
  const events: Advanced[] = [];
  for (const { id } of running) {
    const driving = await engine().want(id);
    const row = await db().event.findUnique({ where: { id }, select: { driverInstance: true } });
    events.push({ id, driving, driver: driving ? instanceId() : (row?.driverInstance ?? null) });
  }
  const expiredWaits = await expireWaits(env().PURCHASE_MAX_WAIT_MS);
  const webhooks = await deliverDue();
  return { mode: engine().mode, instance: instanceId(), events, expiredWaits, webhooks };
}
