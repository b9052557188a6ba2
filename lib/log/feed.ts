import "server-only";
import { isDbUnavailable } from "@/lib/contracts/errors";
import type { LogEntry } from "@/lib/contracts/log";
import { logger } from "@/lib/platform/logger";
import { singleton } from "@/lib/platform/singleton";
import { lastLogId, logsAfter } from "./read";

// Live updates read the event log (the outbox), so any app instance can serve any page.
// One feed per event per process polls the log at most 10 times a second and fans out to
// every open stream: a sale writing 20,000 rows a second still costs each browser ≤ 10
// messages a second, and the database a couple of queries per poll, however many watch.
// What a message carries besides the log rows (the event's view) comes from the layer above,
// through `load`: the log knows rows and cursors, not what an event looks like.

export type FeedMessage<V> =
  | { type: "update"; event: V; logs: LogEntry[]; skipped: number; cursor: bigint }
  | { type: "db"; status: "down" | "up"; cursor: bigint };

type Listener<V> = (m: FeedMessage<V>) => void;

const POLL_MS = 100;
const IDLE_REFRESH_MS = 2_000;
const MAX_ROWS = 200;

class EventFeed<V> {
  cursor = 0n;
  private readonly listeners = new Set<Listener<V>>();
  private timer: NodeJS.Timeout | undefined;
  private lastSent = 0;
  private dbDown = false;
  private closed = false;
  readonly ready: Promise<void>;

  constructor(
    readonly eventId: number,
    private readonly load: () => Promise<V>,
    private readonly onEmpty: () => void,
  ) {
    this.ready = lastLogId(eventId).then((id) => {
      this.cursor = id;
      this.schedule(POLL_MS);
    });
    this.ready.catch(() => this.close());
  }

  add(l: Listener<V>): () => void {
    this.listeners.add(l);
    return () => {
      this.listeners.delete(l);
      if (this.listeners.size === 0) this.close();
    };
  }

  private close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.onEmpty();
  }

  private schedule(ms: number): void {
    if (!this.closed) this.timer = setTimeout(() => void this.poll(), ms);
  }

  private emit(m: FeedMessage<V>): void {
    for (const l of this.listeners) l(m);
  }

  private async poll(): Promise<void> {
    try {
      const batch = await logsAfter(this.eventId, this.cursor, MAX_ROWS);
      const stale = Date.now() - this.lastSent > IDLE_REFRESH_MS;
      if (batch.entries.length > 0 || stale || this.dbDown) {
        const event = await this.load();
        this.cursor = batch.lastId;
        this.lastSent = Date.now();
        if (this.dbDown) {
          this.dbDown = false;
          this.emit({ type: "db", status: "up", cursor: this.cursor });
        }
        this.emit({ type: "update", event, logs: batch.entries, skipped: batch.skipped, cursor: this.cursor });
      }
      this.schedule(POLL_MS);
    } catch (err) {
      if (!this.dbDown && isDbUnavailable(err)) {
        this.dbDown = true;
        this.emit({ type: "db", status: "down", cursor: this.cursor });
      } else if (!isDbUnavailable(err)) {
        logger().error({ err, eventId: this.eventId }, "live feed poll failed");
      }
      this.schedule(1_000);
    }
  }
}

/** Subscribes to an event's feed; resolves once the feed knows its cursor. */
export async function subscribe<V>(eventId: number, load: () => Promise<V>, listener: Listener<V>): Promise<{ cursor: bigint; unsubscribe: () => void }> {
  const feeds = singleton("live-feeds", () => new Map<number, EventFeed<unknown>>());
  let feed = feeds.get(eventId) as EventFeed<V> | undefined;
  if (!feed) {
    const created: EventFeed<V> = new EventFeed(eventId, load, () => {
      if (feeds.get(eventId) === created) feeds.delete(eventId);
    });
    feeds.set(eventId, created as EventFeed<unknown>);
    feed = created;
  }
  const unsubscribe = feed.add(listener);
  try {
    await feed.ready;
  } catch (err) {
    unsubscribe();
    throw err;
  }
  return { cursor: feed.cursor, unsubscribe };
}
