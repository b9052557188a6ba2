"use server";

import { adminAction } from "@/lib/server/action";
import type { ActionResult } from "@/lib/contracts/action-result";
import { resetEvent, startEvent, stopEvent } from "@/lib/events/control";
import type { EventView } from "@/lib/contracts/event";
import { parseId } from "@/lib/contracts/ids";

// Start / Stop / Reset from the dashboard. Each returns the event as it is right after the
// change, so the page can show it before the live stream catches up.

export async function startEventAction(eventId: number): Promise<ActionResult<EventView>> {
  return adminAction(async () => {
    const event = await startEvent(parseId(eventId, "event"));
    return { ok: true, data: event, message: `Run ${event.run} is running.` };
  });
}

export async function stopEventAction(eventId: number): Promise<ActionResult<EventView>> {
  return adminAction(async () => {
    const event = await stopEvent(parseId(eventId, "event"));
    return { ok: true, data: event, message: `Run ${event.run} is stopped; the pool keeps its ${event.available.toLocaleString("en-US")} tickets.` };
  });
}

export async function resetEventAction(eventId: number): Promise<ActionResult<EventView>> {
  return adminAction(async () => {
    const event = await resetEvent(parseId(eventId, "event"));
    return { ok: true, data: event, message: `Reset: run ${event.run} begins; run ${event.run - 1} is kept in history.` };
  });
}
