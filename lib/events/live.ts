import "server-only";
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { diffEvent } from "@/lib/contracts/event";
import { parseId } from "@/lib/contracts/ids";
import { sseResponse, sseToNode } from "@/lib/log/stream";
import { errorAnswer } from "@/lib/platform/http-error";
import { demandWhileOpen } from "./demand";
import { getEventView } from "./view";

// The live stream of one event (Server-Sent Events): the log's feed, with the event's view in
// the snapshot and only what changed in each update. Served by the route handler, or — under
// the app's front — straight from the Node server (see lib/server/front.ts).

/** Wait statistics in live updates may be this old (each costs a count of the run's served purchases). */
const STATS_MAX_AGE_MS = 1_000;
const source = (eventId: number) => ({ load: () => getEventView(eventId, STATS_MAX_AGE_MS), diff: diffEvent });

export function liveStream(eventId: number, req: Request): Promise<Response> {
  demandWhileOpen(eventId, req.signal);
  return sseResponse({ eventId, source: source(eventId), lastEventId: req.headers.get("last-event-id"), signal: req.signal });
}

/** GET /api/events/{id}/stream on a Node request; errors answer as the route would ({error}, 404, 503 + Retry-After). */
export async function liveStreamNode(req: IncomingMessage, res: ServerResponse, rawId: string): Promise<void> {
  try {
    const eventId = parseId(rawId, "event") // ids are digits: an encoded segment is not one of ours;
    await sseToNode(req, res, eventId, source(eventId));
  } catch (err) {
    const header = req.headers["x-request-id"];
    const answer = errorAnswer(err, { method: "GET", path: req.url ?? "", requestId: (typeof header === "string" && header.slice(0, 100)) || randomUUID() });
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  }
}
