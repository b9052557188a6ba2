import { getEventView, logsAfter, recentLogs } from "@/lib/events/view";
import { eventIdParam, route } from "@/lib/http";
import { subscribe, type FeedMessage } from "@/lib/live/feed";
import { parseLastEventId, sseComment, sseMessage, sseRetry } from "@/lib/live/sse";

export const dynamic = "force-dynamic";

const HEARTBEAT_MS = 15_000;

// A snapshot first (or, for a browser resuming with Last-Event-ID, the rows it missed), then
// the feed's coalesced updates; everything is released when the client goes away.
export const GET = route(async (req, ctx: { params: Promise<{ id: string }> }) => {
  const eventId = await eventIdParam(ctx);
  await getEventView(eventId); // 404 before opening a stream for an unknown event
  const resumeFrom = parseLastEventId(req.headers.get("last-event-id"));

  let cleanup = () => {};
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      let open = true;
      let ready = false;
      const held: FeedMessage[] = [];
      const send = (chunk: Uint8Array) => {
        if (!open) return;
        try {
          controller.enqueue(chunk);
        } catch {
          cleanup();
        }
      };
      const deliver = (m: FeedMessage) => {
        if (m.type === "db") send(sseMessage("db", m.cursor, { status: m.status }));
        else send(sseMessage("update", m.cursor, { event: m.event, logs: m.logs, skipped: m.skipped }));
      };
      const onFeed = (m: FeedMessage) => (ready ? deliver(m) : held.push(m));

      let unsubscribe = () => {};
      const heartbeat = setInterval(() => send(sseComment("heartbeat")), HEARTBEAT_MS);
      cleanup = () => {
        if (!open) return;
        open = false;
        clearInterval(heartbeat);
        unsubscribe();
        try {
          controller.close();
        } catch {
          /* already closed by the client */
        }
      };
      req.signal.addEventListener("abort", () => cleanup(), { once: true });

      try {
        send(sseRetry(2_000));
        const sub = await subscribe(eventId, onFeed);
        unsubscribe = sub.unsubscribe;
        const event = await getEventView(eventId);
        if (resumeFrom !== null && resumeFrom <= sub.cursor) {
          const missed = resumeFrom < sub.cursor ? await logsAfter(eventId, resumeFrom, 200) : { entries: [], skipped: 0 };
          const logs = missed.entries.filter((e) => BigInt(e.id) <= sub.cursor);
          send(sseMessage("update", sub.cursor, { event, logs, skipped: missed.skipped }));
        } else {
          send(sseMessage("snapshot", sub.cursor, { event, logs: await recentLogs(eventId, 50, sub.cursor) }));
        }
        ready = true;
        for (const m of held.splice(0)) if (m.type === "db" || m.cursor > sub.cursor) deliver(m);
      } catch {
        // The database is not answering: say so, and let EventSource reconnect after `retry`.
        send(sseMessage("db", resumeFrom ?? 0n, { status: "down" }));
        cleanup();
      }
    },
    cancel() {
      cleanup();
    },
  });

  return new Response(stream, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    },
  });
});
