"use server";

import { adminAction } from "@/lib/action";
import type { ActionResult } from "@/lib/action-result";
import { resetEvent, startEvent, stopEvent } from "@/lib/events/control";
import type { EventView } from "@/lib/events/view";
import { parseEventId } from "./parse-ids";

// Start / Stop / Reset from the dashboard. Each returns the event as it is right after the
// change, so the page can show it before the live stream catches up.

export async function startEventAction(eventId: number): Promise<ActionResult<EventView>> {
  return adminAction(async () => {
    const event = await startEvent(parseEventId(eventId));
    return { ok: true, data: event, message: `Run ${event.run} is running.` };
  });
}

export async function stopEventAction(eventId: number): Promise<ActionResult<EventView>> {
  return adminAction(async () => {
    const event = await stopEvent(parseEventId(eventId));
    return { ok: true, data: event, message: `Run ${event.run} is stopped; the pool keeps its ${event.available.toLocaleString("en-US")} tickets.` };
  });
}

export async function resetEventAction(eventId: number): Promise<ActionResult<EventView>> {
  return adminAction(async () => {
    const event = await resetEvent(parseEventId(eventId));
    return { ok: true, data: event, message: `Reset: run ${event.run} begins; run ${event.run - 1} is kept in history.` };
  });
}
