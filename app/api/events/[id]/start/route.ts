import { startEvent } from "@/lib/events/control";
import { eventIdParam, json, requireAdminRequest, route } from "@/lib/server/route";

export const dynamic = "force-dynamic";

export const POST = route(async (req, ctx: { params: Promise<{ id: string }> }) => {
  await requireAdminRequest(req);
  return json(await startEvent(await eventIdParam(ctx)));
});
