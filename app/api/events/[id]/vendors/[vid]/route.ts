import { z } from "zod";
import { removeActor, setActorPaused } from "@/lib/events/actors";
import { eventIdParam, idParam, json, parse, readJson, requireAdminRequest, route } from "@/lib/http";

export const dynamic = "force-dynamic";

export const DELETE = route(async (req, ctx: { params: Promise<{ id: string; vid: string }> }) => {
  requireAdminRequest(req);
  const eventId = await eventIdParam(ctx);
  return json(await removeActor(eventId, "vendor", idParam((await ctx.params).vid, "vendor")));
});

const patchSchema = z.object({ paused: z.boolean({ error: "paused must be true or false" }) }).strict();

/** Pause or resume one vendor: `{ "paused": true | false }`. */
export const PATCH = route(async (req, ctx: { params: Promise<{ id: string; vid: string }> }) => {
  requireAdminRequest(req);
  const eventId = await eventIdParam(ctx);
  const actorId = idParam((await ctx.params).vid, "vendor");
  const { paused } = parse(patchSchema, await readJson(req));
  return json(await setActorPaused(eventId, "vendor", actorId, paused));
});
