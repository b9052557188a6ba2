import "server-only";
import { diffEvent } from "@/lib/contracts/event";
import { sseResponse } from "@/lib/log/stream";
import { getEventView } from "./view";

// The live stream of one event (Server-Sent Events): the log's feed, with the event's view in
// the snapshot and only what changed in each update.

export function liveStream(eventId: number, req: Request): Promise<Response> {
  return sseResponse({ eventId, source: { load: () => getEventView(eventId), diff: diffEvent }, lastEventId: req.headers.get("last-event-id"), signal: req.signal });
}
