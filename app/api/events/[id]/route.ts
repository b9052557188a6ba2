import { getEventView } from "@/lib/events/view";
import { eventIdParam, json, route } from "@/lib/server/route";

export const dynamic = "force-dynamic";

export const GET = route(async (_req, ctx: { params: Promise<{ id: string }> }) => json(await getEventView(await eventIdParam(ctx))));
