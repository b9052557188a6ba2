import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { AppError } from "@/lib/contracts/errors";
import { env } from "@/lib/platform/env";
import { singleton } from "@/lib/platform/singleton";
import { metrics } from "@/lib/platform/metrics";
import { feedOf, type Base, type EventFeed, type FeedClient, type FeedSource, type Opening } from "./feed";
import { parseLastEventId, sseRetry } from "./sse";

// One browser's Server-Sent Events session on an event: a snapshot first (or, for a browser
// resuming with Last-Event-ID, the rows it missed, when the feed still holds them), then the
// feed's shared frames. A browser that stops reading never grows a queue here: frames that do
// not fit are dropped and it gets one fresh snapshot when it reads again (coalesced); one that
// stays behind too long is disconnected. Open streams are capped per process.

// SSE_BUFFER_BYTES: what a stream may hold for a slow reader before frames are coalesced;
// SSE_DROP_AFTER_MS: a reader behind for this long is dropped (EventSource reconnects).

const open = singleton("sse-open", () => ({ count: 0 }));

export type StreamRequest<V> = { eventId: number; source: FeedSource<V>; lastEventId: string | null; signal: AbortSignal };

/** The feed and the stream's first frame; throws (404, 503) before anything is sent. */
async function openFeed<V>(eventId: number, source: FeedSource<V>, lastEventId: string | null): Promise<{ feed: EventFeed<V>; first: Opening<V> }> {
  const max = env().SSE_MAX_CONNECTIONS;
  if (open.count >= max) {
    throw new AppError("overloaded", `This server already streams to ${max} browsers; try again in a moment`, { retryAfter: 5 });
  }
  const feed = await feedOf(eventId, source); // an unknown event is a 404 here, before any stream opens
  const resumeFrom = parseLastEventId(lastEventId);
  return { feed, first: (resumeFrom !== null && feed.resumeFrame(resumeFrom)) || feed.opening() };
}

const HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  connection: "keep-alive",
  "x-accel-buffering": "no",
};

export async function sseResponse<V>({ eventId, source, lastEventId, signal }: StreamRequest<V>): Promise<Response> {
  const { feed, first } = await openFeed(eventId, source, lastEventId);
  let client: StreamClient | undefined;
  const stream = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        client = new StreamClient({ room: () => (controller.desiredSize ?? 0) > 0, write: (f) => controller.enqueue(f), end: () => controller.close() }, feed);
        controller.enqueue(sseRetry(2_000));
        controller.enqueue(first.frame);
        client.attach(first.base);
        signal.addEventListener("abort", () => client?.close(), { once: true });
      },
      pull() {
        client?.caughtUp();
      },
      cancel() {
        client?.close();
      },
    },
    { highWaterMark: env().SSE_BUFFER_BYTES, size: (chunk) => chunk.byteLength },
  );
  return new Response(stream, { headers: HEADERS });
}

/**
 * The same stream written straight to a Node response, by the app's front
 * (lib/server/front.ts): one `write` per frame, without the web-stream pipe a
 * route handler's Response goes through, which is what thousands of viewers cost.
 */
export async function sseToNode<V>(req: IncomingMessage, res: ServerResponse, eventId: number, source: FeedSource<V>): Promise<void> {
  const lastEventId = req.headers["last-event-id"];
  const { feed, first } = await openFeed(eventId, source, typeof lastEventId === "string" ? lastEventId : null);
  // No chunked framing: the body runs until the connection closes (as HTTP/1.1 allows without a
  // length), so each shared frame goes to the socket as it is — one write of one buffer per
  // viewer, instead of a chunk header, the frame and a CRLF through the response machinery.
  res.removeHeader("transfer-encoding");
  res.writeHead(200, { ...HEADERS, connection: "close" });
  res.flushHeaders();
  const socket = res.socket;
  if (!socket) return; // the viewer left already
  const buffer = env().SSE_BUFFER_BYTES;
  const client: StreamClient = new StreamClient({ room: () => socket.writableLength < buffer, write: (f) => void socket.write(f), end: () => socket.end() }, feed);
  socket.write(sseRetry(2_000));
  socket.write(first.frame);
  client.attach(first.base);
  socket.on("drain", () => client.caughtUp());
  res.on("close", () => client.close());
}

/** Where a stream's frames go: a web ReadableStream (the route handler) or a Node response (the server's fast path). */
type Sink = { room: () => boolean; write: (frame: Uint8Array) => void; end: () => void };

class StreamClient implements FeedClient {
  private detach: (() => void) | undefined;
  private behindSince = 0;
  private closed = false;

  constructor(
    private readonly sink: Sink,
    private readonly feed: Pick<EventFeed<unknown>, "add" | "resync">,
  ) {}

  attach(base: Base<unknown> | undefined): void {
    open.count++;
    metrics().sseClients.set(open.count);
    this.detach = this.feed.add(this, base);
  }

  offer(frame: Uint8Array): void {
    if (this.closed) return;
    // Room left (the queue is under SSE_BUFFER_BYTES): the frame goes; it may pass the mark by one frame.
    if (this.sink.room()) {
      if (this.behindSince === 0) return this.write(frame);
      return this.caughtUp();
    }
    this.behindSince ||= Date.now();
    if (Date.now() - this.behindSince > env().SSE_DROP_AFTER_MS) this.close();
  }

  /** The reader took what it had: if frames were dropped meanwhile, one snapshot makes it whole again. */
  caughtUp(): void {
    if (this.closed || this.behindSince === 0 || !this.sink.room()) return;
    this.behindSince = 0;
    this.write(this.feed.resync(this));
  }

  private write(frame: Uint8Array): void {
    try {
      this.sink.write(frame);
    } catch {
      this.close();
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.detach) {
      open.count--;
      metrics().sseClients.set(open.count);
      this.detach();
    }
    try {
      this.sink.end();
    } catch {
      /* already closed by the client */
    }
  }
}
