"use server";

import { adminAction } from "@/lib/action";
import type { ActionResult } from "@/lib/action-result";
import { removeActor, setActorPaused } from "@/lib/events/actors";
import { parseActorId, parseActorKind, parseEventId } from "./parse-ids";

// Pause / Resume / Remove on a vendor or customer row. The row itself changes through the live
// stream; these answers say only whether the change was made.

export async function setActorPausedAction(eventId: number, kind: string, actorId: number, paused: boolean): Promise<ActionResult<{ id: number; paused: boolean }>> {
  return adminAction(async () => {
    const actor = await setActorPaused(parseEventId(eventId), parseActorKind(kind), parseActorId(actorId), paused === true);
    return { ok: true, data: { id: actor.id, paused: actor.paused }, message: `${actor.name} ${actor.paused ? "paused" : "resumed"}.` };
  });
}

export async function removeActorAction(eventId: number, kind: string, actorId: number): Promise<ActionResult<{ id: number }>> {
  return adminAction(async () => {
    const removed = await removeActor(parseEventId(eventId), parseActorKind(kind), parseActorId(actorId));
    return { ok: true, data: { id: removed.id } };
  });
}
