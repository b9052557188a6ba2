import { removeActor } from "@/lib/events/actors";
import { eventIdParam, idParam, json, requireAdminRequest, route } from "@/lib/http";

export const dynamic = "force-dynamic";

export const DELETE = route(async (req, ctx: { params: Promise<{ id: string; vid: string }> }) => {
  requireAdminRequest(req);
  const eventId = await eventIdParam(ctx);
  return json(await removeActor(eventId, "vendor", idParam((await ctx.params).vid, "vendor")));
});
