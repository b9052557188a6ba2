"use server";

import type { ActionResult } from "@/lib/contracts/action-result";
import { AppError } from "@/lib/contracts/errors";
import { actorKindSchema, type ActorKind } from "@/lib/contracts/event";
import { parseId } from "@/lib/contracts/ids";
import { removeActor, setActorPaused } from "@/lib/events/roster";
import { adminAction } from "@/lib/server/action";

// Pause / Resume / Remove on a vendor or customer row. The row itself changes through the live
// stream; these answers say only whether the change was made.

export async function setActorPausedAction(eventId: number, kind: string, actorId: number, paused: boolean): Promise<ActionResult<{ id: number; paused: boolean }>> {
  return adminAction(async () => {
    const k = parseKind(kind);
    const actor = await setActorPaused(parseId(eventId, "event"), k, parseId(actorId, k), paused === true);
    return { ok: true, data: { id: actor.id, paused: actor.paused }, message: `${actor.name} ${actor.paused ? "paused" : "resumed"}.` };
  });
}

export async function removeActorAction(eventId: number, kind: string, actorId: number): Promise<ActionResult<{ id: number }>> {
  return adminAction(async () => {
    const k = parseKind(kind);
    const removed = await removeActor(parseId(eventId, "event"), k, parseId(actorId, k));
    return { ok: true, data: { id: removed.id } };
  });
}

function parseKind(value: string): ActorKind {
  const parsed = actorKindSchema.safeParse(value);
  if (!parsed.success) throw new AppError("bad_request", "kind must be vendor or customer");
  return parsed.data;
}
