import "server-only";
import { isDbUnavailable } from "@/lib/contracts/errors";
import type { LogEntry } from "@/lib/contracts/log";
import { logger } from "@/lib/platform/logger";
import { singleton } from "@/lib/platform/singleton";
import { lastLogSeq, logsAfter, recentLogs } from "./read";
import { sseComment, sseMessage } from "./sse";

// Live updates read the event log (the outbox), so any app instance can serve any page.
// One feed per event per process polls the log at most 10 times a second, and each message is
// serialised once and the same bytes go to every open stream: a sale writing 20,000 rows a
// second costs each browser ≤ 10 messages a second, and thousands of browsers cost the
// database nothing more. What a message says about the event (its view, and the change since
// the last one) comes from the layer above through `source`: the log knows rows and cursors.
// Every cursor here — the feed's, a stream's, a message's SSE `id:`, Last-Event-ID — is the
// event's log sequence number (EventLog.seq: 1, 2, 3 … in commit order), never a row id: ids
// have gaps and commit out of order on a cluster, and a cursor of ids would skip a late row.

export type FeedSource<V> = {
  load: () => Promise<V>;
  /** What an update sends: the change from `prev` to `next`. */
  diff: (prev: V, next: V) => unknown;
};

/** An open stream, as the feed sees it: it takes frames, and can fall behind. */
export type FeedClient = { offer: (frame: Uint8Array) => void; close: () => void };

const POLL_MS = 100;
const RECHECK_MS = 25;
const IDLE_REFRESH_MS = 2_000;
const MAX_ROWS = 200;
/** Log rows an update carries at most (the newest); the rest are counted as skipped. A person reads ten a second, not a thousand. */
const ROWS_PER_UPDATE = 10;
const RING = 200;
const SNAPSHOT_LOGS = 50;
const HEARTBEAT_MS = 15_000;

/** Where a stream stands: the view and log cursor (a sequence number) of the last update it was sent, and how many log rows the feed had read by then. */
export type Base<V> = { view: V; cursor: bigint; seen: number };

/** A stream's first frame, and where it leaves the stream (what its next update is built from). */
export type Opening<V> = { frame: Uint8Array; base: Base<V> | undefined };

/** Streams written to per turn of the event loop while an update goes out (the engine and the database's answers run in between). */
const SLICE = 500;

export class EventFeed<V> {
  /** The sequence number of the newest log row the feed has read. */
  cursor = 0n;
  private view: V | undefined;
  /** Log rows read since the feed began, counted (also those an update left out): what a stream missed is the difference. */
  private seen = 0;
  /** Where the feed stands now; every stream is brought here. */
  private current: Base<V> | undefined;
  /** Where each stream stands. */
  private readonly bases = new Map<FeedClient, Base<V>>();
  /** Streams still to be sent the current update, in order; the frame for each is built from where it stands (once per distinct base). */
  private queue: FeedClient[] = [];
  private queuedAt = 0;
  private frames = new Map<Base<V>, Uint8Array>();
  private pumping = false;
  /** The newest log rows, oldest first (consecutive sequence numbers up to the cursor): the snapshot's log, and what a resuming browser missed. */
  private ring: LogEntry[] = [];
  private snapshot: Uint8Array | undefined;
  private readonly clients = new Set<FeedClient>();
  private timer: NodeJS.Timeout | undefined;
  private readonly heartbeat: NodeJS.Timeout;
  private lastSent = 0;
  /** When the poll that last sent a message began; the next may begin POLL_MS after it. */
  private lastSendStart = 0;
  private polling = false;
  private dbDown = false;
  private closed = false;
  readonly ready: Promise<void>;

  constructor(
    readonly eventId: number,
    private readonly source: FeedSource<V>,
    private readonly onEmpty: () => void,
  ) {
    this.ready = (async () => {
      const cursor = await lastLogSeq(eventId);
      const [view, logs] = await Promise.all([source.load(), recentLogs(eventId, RING, cursor)]);
      this.cursor = cursor;
      this.view = view;
      this.current = { view, cursor, seen: 0 };
      this.ring = logs.reverse();
      this.lastSent = Date.now();
      this.schedule(POLL_MS);
    })();
    this.ready.catch(() => this.close());
    const beat = sseComment("heartbeat");
    this.heartbeat = setInterval(() => this.broadcast(beat), HEARTBEAT_MS);
  }

  get size(): number {
    return this.clients.size;
  }

  /**
   * A stream that has just been sent its first frame, which left it at `base` (the feed may
   * have moved on since the frame was built: its next update starts from there, not from now).
   */
  add(c: FeedClient, base: Base<V> | undefined = this.current): () => void {
    this.clients.add(c);
    if (base) this.bases.set(c, base);
    return () => {
      this.clients.delete(c);
      this.bases.delete(c);
      if (this.clients.size === 0) this.close();
    };
  }

  /** A stream that fell behind and had updates dropped is made whole again with a snapshot: it stands where the feed does now. */
  resync(c: FeedClient): Uint8Array {
    if (this.current && this.bases.has(c)) this.bases.set(c, this.current);
    return this.snapshotFrame();
  }

  /** A new stream's snapshot, and where it leaves the stream. */
  opening(): Opening<V> {
    return { frame: this.snapshotFrame(), base: this.current };
  }

  /** The whole event and its newest log rows, built once per change and shared by every new or resyncing stream. */
  snapshotFrame(): Uint8Array {
    this.snapshot ??= sseMessage("snapshot", this.cursor, { event: this.view, logs: this.ring.slice(-SNAPSHOT_LOGS).reverse(), at: this.ring.at(-1)?.at ?? new Date().toISOString() });
    return this.snapshot;
  }

  /**
   * For a browser resuming after sequence number `from`: the event and the rows it missed (the
   * newest the feed holds, with a count of older ones left out), and where it leaves the
   * stream: where the feed stood when the frame was built. Null for a cursor that is not one of
   * ours (send a snapshot).
   */
  resumeFrame(from: bigint): Opening<V> | null {
    if (from > this.cursor || from <= 0n) return null;
    const base = this.current;
    const cursor = this.cursor;
    const logs = this.ring.filter((e) => BigInt(e.seq) > from);
    const oldestHeld = this.ring[0] ? BigInt(this.ring[0].seq) : cursor + 1n;
    // Sequence numbers have no gaps: the rows older than the ring that the browser missed are exactly those between.
    const skipped = from < oldestHeld - 1n && this.ring.length >= RING ? Number(oldestHeld - 1n - from) : 0;
    const view = base?.view ?? this.view;
    return { frame: sseMessage("update", cursor, { event: view, logs, skipped, at: logs.at(-1)?.at ?? new Date().toISOString() }), base };
  }

  private close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    clearInterval(this.heartbeat);
    this.onEmpty();
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    if (!this.closed) this.timer = setTimeout(() => void this.poll(), ms);
  }

  /** A batch of this process just committed rows: look now, rather than at the next poll (still at most one message per POLL_MS). */
  nudge(): void {
    // Not before the first read is done: a poll from cursor 0 would count the rows the snapshot already stands on.
    if (this.closed || this.polling || !this.current) return;
    this.schedule(Math.max(0, this.lastSendStart + POLL_MS - Date.now()));
  }

  /** Shutdown: every stream gets `frame` as its last message and is closed (EventSource reconnects, to another instance). */
  end(frame: Uint8Array): void {
    for (const c of [...this.clients]) {
      c.offer(frame);
      c.close();
    }
    this.close();
  }

  private broadcast(frame: Uint8Array): void {
    for (const c of this.clients) c.offer(frame);
  }

  /**
   * Brings every stream to where the feed stands now. Writing to thousands of sockets takes a
   * while, so it goes out in slices, one per turn of the event loop; a newer update that comes
   * meanwhile reaches the streams not yet written to as one frame that covers both (built from
   * where they stand), instead of waiting behind the older one.
   */
  private sendAll(at: string): void {
    this.queuedAt = Date.parse(at);
    const queued = new Set(this.queue);
    for (const c of this.clients) if (!queued.has(c)) this.queue.push(c);
    if (!this.pumping) this.pump();
  }

  private pump(): void {
    this.pumping = true;
    const slice = this.queue.splice(0, SLICE);
    for (const c of slice) {
      const base = this.bases.get(c);
      const current = this.current;
      if (!base || !current || base === current) continue; // gone, or already there
      c.offer(this.frameFrom(base, current));
      this.bases.set(c, current);
    }
    if (this.queue.length > 0 && !this.closed) setImmediate(() => this.pump());
    else this.pumping = false;
  }

  /** The update that takes a stream from `base` to `current`: the change of view, and the newest rows since (the rest counted as skipped). */
  private frameFrom(base: Base<V>, current: Base<V>): Uint8Array {
    let frame = this.frames.get(base);
    if (!frame) {
      const since = this.ring.filter((e) => BigInt(e.seq) > base.cursor);
      const logs = since.slice(-ROWS_PER_UPDATE);
      const skipped = current.seen - base.seen - logs.length;
      const at = logs.at(-1)?.at ?? new Date(this.queuedAt).toISOString();
      frame = sseMessage("update", current.cursor, { event: this.source.diff(base.view, current.view), logs, skipped, at });
      this.frames.set(base, frame);
    }
    return frame;
  }

  private async poll(): Promise<void> {
    const started = Date.now();
    this.polling = true;
    try {
      const batch = await logsAfter(this.eventId, this.cursor, MAX_ROWS);
      const stale = Date.now() - this.lastSent > IDLE_REFRESH_MS;
      const sent = batch.entries.length > 0 || stale || this.dbDown;
      if (sent) {
        const view = await this.source.load();
        this.view = view;
        this.cursor = batch.lastSeq;
        this.seen += batch.skipped + batch.entries.length;
        this.ring = [...this.ring, ...batch.entries].slice(-RING);
        this.snapshot = undefined;
        this.lastSent = Date.now();
        if (this.dbDown) {
          this.dbDown = false;
          this.broadcast(sseMessage("db", this.cursor, { status: "up" }));
        }
        this.current = { view, cursor: this.cursor, seen: this.seen };
        this.frames = new Map();
        this.sendAll(batch.entries.at(-1)?.at ?? new Date().toISOString());
      }
      // After a message, the next comes no sooner than POLL_MS after this one began (≤ 10 a
      // second, whatever the poll took); after an empty look, look again soon, so that rows
      // landing just after a poll do not wait a whole period.
      if (sent) this.lastSendStart = started;
      this.polling = false;
      this.schedule(sent ? Math.max(10, POLL_MS - (Date.now() - started)) : RECHECK_MS);
    } catch (err) {
      this.polling = false;
      if (!this.dbDown && isDbUnavailable(err)) {
        this.dbDown = true;
        this.broadcast(sseMessage("db", this.cursor, { status: "down" }));
      } else if (!isDbUnavailable(err)) {
        logger().error({ err, eventId: this.eventId }, "live feed poll failed");
      }
      this.schedule(1_000);
    }
  }
}

/** Rows of the event were just committed by this process: its feed (if any) looks at once. */
export function logsCommitted(eventId: number): void {
  singleton("live-feeds", () => new Map<number, EventFeed<unknown>>()).get(eventId)?.nudge();
}

/** Shutdown: every open stream of this process gets a final `shutdown` message and is closed. */
export function endAllFeeds(retryMs: number): number {
  const feeds = singleton("live-feeds", () => new Map<number, EventFeed<unknown>>());
  let streams = 0;
  for (const feed of [...feeds.values()]) {
    streams += feed.size;
    feed.end(sseMessage("shutdown", feed.cursor, { message: "This server is shutting down; reconnecting", retryMs }));
  }
  feeds.clear();
  return streams;
}

/** The event's feed in this process, ready (its first read done); an unknown event rejects. */
export async function feedOf<V>(eventId: number, source: FeedSource<V>): Promise<EventFeed<V>> {
  const feeds = singleton("live-feeds", () => new Map<number, EventFeed<unknown>>());
  let feed = feeds.get(eventId) as EventFeed<V> | undefined;
  if (!feed) {
    const created: EventFeed<V> = new EventFeed(eventId, source, () => {
      if (feeds.get(eventId) === created) feeds.delete(eventId);
    });
    feeds.set(eventId, created as EventFeed<unknown>);
    feed = created;
  }
  await feed.ready;
  return feed;
}
