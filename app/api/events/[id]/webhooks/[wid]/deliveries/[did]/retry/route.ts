import { parseId } from "@/lib/contracts/ids";
import { parseDeliveryId } from "@/lib/contracts/webhook";
import { retryDelivery } from "@/lib/webhooks/endpoints";
import { eventIdParam, json, requireAdminRequest, route } from "@/lib/server/route";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ id: string; wid: string; did: string }> };

/** Sends one delivery again now (one more attempt, the same webhook-id). */
export const POST = route(async (req, ctx: Ctx) => {
  await requireAdminRequest(req);
  const eventId = await eventIdParam(ctx);
  const p = await ctx.params;
  return json(await retryDelivery(eventId, parseId(p.wid, "webhook endpoint"), parseDeliveryId(p.did)));
});
