import "server-only";
import { AppError } from "@/lib/contracts/errors";
import { env } from "@/lib/platform/env";
import { singleton } from "@/lib/platform/singleton";
import { feedOf, type EventFeed, type FeedClient, type FeedSource } from "./feed";
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

export async function sseResponse<V>({ eventId, source, lastEventId, signal }: StreamRequest<V>): Promise<Response> {
  const max = env().SSE_MAX_CONNECTIONS;
  if (open.count >= max) {
    throw new AppError("overloaded", `This server already streams to ${max} browsers; try again in a moment`, { retryAfter: 5 });
  }
  const feed = await feedOf(eventId, source); // an unknown event is a 404 here, before any stream opens
  const resumeFrom = parseLastEventId(lastEventId);
  const first = (resumeFrom !== null && (await feed.resumeFrame(resumeFrom))) || feed.snapshotFrame();
  let client: StreamClient | undefined;
  const stream = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        client = new StreamClient(controller, feed);
        controller.enqueue(sseRetry(2_000));
        controller.enqueue(first);
        client.attach();
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
  return new Response(stream, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    },
  });
}

class StreamClient implements FeedClient {
  private detach: (() => void) | undefined;
  private behindSince = 0;
  private closed = false;

  constructor(
    private readonly controller: ReadableStreamDefaultController<Uint8Array>,
    private readonly feed: Pick<EventFeed<unknown>, "add" | "snapshotFrame">,
  ) {}

  attach(): void {
    open.count++;
    this.detach = this.feed.add(this);
  }

  offer(frame: Uint8Array): void {
    if (this.closed) return;
    // Room left (the queue is under SSE_BUFFER_BYTES): the frame goes; it may pass the mark by one frame.
    if ((this.controller.desiredSize ?? 0) > 0) {
      if (this.behindSince === 0) return this.enqueue(frame);
      return this.caughtUp();
    }
    this.behindSince ||= Date.now();
    if (Date.now() - this.behindSince > env().SSE_DROP_AFTER_MS) this.close();
  }

  /** The reader took what it had: if frames were dropped meanwhile, one snapshot makes it whole again. */
  caughtUp(): void {
    if (this.closed || this.behindSince === 0) return;
    if ((this.controller.desiredSize ?? 0) <= 0) return;
    this.behindSince = 0;
    this.enqueue(this.feed.snapshotFrame());
  }

  private enqueue(frame: Uint8Array): void {
    try {
      this.controller.enqueue(frame);
    } catch {
      this.close();
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.detach) {
      open.count--;
      this.detach();
    }
    try {
      this.controller.close();
    } catch {
      /* already closed by the client */
    }
  }
}
