import "server-only";
import { sseResponse } from "@/lib/log/stream";
import { getEventView } from "./view";

// The live stream of one event (Server-Sent Events): the log's feed, with the event's view in
// every message.

export async function liveStream(eventId: number, req: Request): Promise<Response> {
  await getEventView(eventId); // 404 before opening a stream for an unknown event
  return sseResponse({ eventId, load: () => getEventView(eventId), lastEventId: req.headers.get("last-event-id"), signal: req.signal });
}
