import "server-only";
import type { LogEntry } from "@/lib/contracts/log";
import { subscribe, type FeedMessage } from "./feed";
import { recentLogs, logsAfter } from "./read";
import { parseLastEventId, sseComment, sseMessage, sseRetry } from "./sse";

// One browser's Server-Sent Events session on an event: a snapshot first (or, for a browser
// resuming with Last-Event-ID, the rows it missed), then the feed's coalesced updates, a
// heartbeat to keep proxies open, and everything released when the client goes away.

const HEARTBEAT_MS = 15_000;

export type StreamSource<V> = { eventId: number; load: () => Promise<V>; lastEventId: string | null; signal: AbortSignal };

export function sseResponse<V>({ eventId, load, lastEventId, signal }: StreamSource<V>): Response {
  const resumeFrom = parseLastEventId(lastEventId);
  let cleanup = () => {};
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      let open = true;
      let ready = false;
      const held: FeedMessage<V>[] = [];
      const send = (chunk: Uint8Array) => {
        if (!open) return;
        try {
          controller.enqueue(chunk);
        } catch {
          cleanup();
        }
      };
      const deliver = (m: FeedMessage<V>) => {
        if (m.type === "db") send(sseMessage("db", m.cursor, { status: m.status }));
        else send(sseMessage("update", m.cursor, { event: m.event, logs: m.logs, skipped: m.skipped }));
      };
      const onFeed = (m: FeedMessage<V>) => (ready ? deliver(m) : held.push(m));

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
      signal.addEventListener("abort", () => cleanup(), { once: true });

      try {
        send(sseRetry(2_000));
        const sub = await subscribe(eventId, load, onFeed);
        unsubscribe = sub.unsubscribe;
        const event = await load();
        if (resumeFrom !== null && resumeFrom <= sub.cursor) {
          const missed = resumeFrom < sub.cursor ? await logsAfter(eventId, resumeFrom, 200) : { entries: [] as LogEntry[], skipped: 0 };
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
}
