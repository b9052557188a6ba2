import "server-only";
import { isDbUnavailable } from "@/lib/contracts/errors";
import type { LogEntry } from "@/lib/contracts/log";
import { logger } from "@/lib/platform/logger";
import { singleton } from "@/lib/platform/singleton";
import { countBetween, lastLogId, logsAfter, recentLogs } from "./read";
import { sseComment, sseMessage } from "./sse";

// Live updates read the event log (the outbox), so any app instance can serve any page.
// One feed per event per process polls the log at most 10 times a second, and each message is
// serialised once and the same bytes go to every open stream: a sale writing 20,000 rows a
// second costs each browser ≤ 10 messages a second, and thousands of browsers cost the
// database nothing more. What a message says about the event (its view, and the change since
// the last one) comes from the layer above through `source`: the log knows rows and cursors.

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
/** A resuming browser is told how many rows it missed, counted up to this many (a forged id costs no full count). */
const SKIPPED_CAP = 100_000;
const HEARTBEAT_MS = 15_000;

export class EventFeed<V> {
  cursor = 0n;
  private view: V | undefined;
  /** The newest log rows, oldest first: the snapshot's log, and what a resuming browser missed. */
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
      const cursor = await lastLogId(eventId);
      const [view, logs] = await Promise.all([source.load(), recentLogs(eventId, RING, cursor)]);
      this.cursor = cursor;
      this.view = view;
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

  add(c: FeedClient): () => void {
    this.clients.add(c);
    return () => {
      this.clients.delete(c);
      if (this.clients.size === 0) this.close();
    };
  }

  /** The whole event and its newest log rows, built once per change and shared by every new or resyncing stream. */
  snapshotFrame(): Uint8Array {
    this.snapshot ??= sseMessage("snapshot", this.cursor, { event: this.view, logs: this.ring.slice(-SNAPSHOT_LOGS).reverse(), at: this.ring.at(-1)?.at ?? new Date().toISOString() });
    return this.snapshot;
  }

  /**
   * For a browser resuming after row `from`: the event and the rows it missed (the newest the
   * feed holds, with a count of older ones left out). Null for a cursor that is not one of ours
   * (send a snapshot).
   */
  async resumeFrame(from: bigint): Promise<Uint8Array | null> {
    if (from > this.cursor || from <= 0n) return null;
    const cursor = this.cursor;
    const logs = this.ring.filter((e) => BigInt(e.id) > from);
    const oldestHeld = this.ring[0] ? BigInt(this.ring[0].id) : cursor + 1n;
    const skipped = from < oldestHeld - 1n && this.ring.length >= RING ? await countBetween(this.eventId, from, oldestHeld - 1n, SKIPPED_CAP) : 0;
    return sseMessage("update", cursor, { event: this.view, logs, skipped, at: logs.at(-1)?.at ?? new Date().toISOString() });
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
    if (this.closed || this.polling) return;
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

  private async poll(): Promise<void> {
    const started = Date.now();
    this.polling = true;
    try {
      const batch = await logsAfter(this.eventId, this.cursor, MAX_ROWS);
      const stale = Date.now() - this.lastSent > IDLE_REFRESH_MS;
      const sent = batch.entries.length > 0 || stale || this.dbDown;
      if (sent) {
        const view = await this.source.load();
        const delta = this.view === undefined ? view : this.source.diff(this.view, view);
        this.view = view;
        this.cursor = batch.lastId;
        this.ring = [...this.ring, ...batch.entries].slice(-RING);
        this.snapshot = undefined;
        this.lastSent = Date.now();
        if (this.dbDown) {
          this.dbDown = false;
          this.broadcast(sseMessage("db", this.cursor, { status: "up" }));
        }
        const at = batch.entries.at(-1)?.at ?? new Date().toISOString();
        const logs = batch.entries.slice(-ROWS_PER_UPDATE);
        const skipped = batch.skipped + batch.entries.length - logs.length;
        this.broadcast(sseMessage("update", this.cursor, { event: delta, logs, skipped, at }));
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
