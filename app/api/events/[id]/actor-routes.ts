import { z } from "zod";
import { newActorSchema } from "@/lib/contracts/actor-input";
import type { ActorKind } from "@/lib/contracts/event";
import { parseId } from "@/lib/contracts/ids";
import { addActor, removeActor, setActorPaused } from "@/lib/events/roster";
import { eventIdParam, json, parse, readJson, requireAdminRequest, route } from "@/lib/server/route";

// The handlers of /api/events/{id}/vendors[/{vid}] and /api/events/{id}/customers[/{cid}]:
// the two kinds of actor share every rule, so they share these handlers too.

type One = { params: Promise<{ id: string; actorId: string }> };

const pausedSchema = z.object({ paused: z.boolean({ error: "paused must be true or false" }) }).strict();

export function actorCollection(kind: ActorKind) {
  /** Add one: 201 with the new vendor or customer. */
  const POST = route(async (req, ctx: { params: Promise<{ id: string }> }) => {
    await requireAdminRequest(req);
    const eventId = await eventIdParam(ctx);
    const actor = await addActor(eventId, kind, parse(newActorSchema[kind], await readJson(req)));
    return json(actor, 201, { location: `/api/events/${eventId}/${kind}s/${actor.id}` });
  });
  return { POST };
}

export function actorItem(kind: ActorKind) {
  const target = async (ctx: One) => ({ eventId: await eventIdParam(ctx), actorId: parseId((await ctx.params).actorId, kind) });
  /** Remove one; a second removal is a 404. */
  const DELETE = route(async (req, ctx: One) => {
    await requireAdminRequest(req);
    const { eventId, actorId } = await target(ctx);
    return json(await removeActor(eventId, kind, actorId));
  });
  /** Pause or resume one: `{ "paused": true | false }`. */
  const PATCH = route(async (req, ctx: One) => {
    await requireAdminRequest(req);
    const { eventId, actorId } = await target(ctx);
    const { paused } = parse(pausedSchema, await readJson(req));
    return json(await setActorPaused(eventId, kind, actorId, paused));
  });
  return { DELETE, PATCH };
}
