import "server-only";
import { isDbUnavailable } from "@/lib/errors";
import type { LogEntry } from "@/lib/events/log-kinds";
import { getEventView, lastLogId, logsAfter, type EventView } from "@/lib/events/view";

// Live updates read the event log (the outbox), so any app instance can serve any page.
// One feed per event per process polls the log at most 10 times a second and fans out to
// every open stream: a sale writing 20,000 rows a second still costs each browser ≤ 10
// messages a second, and the database a couple of queries per poll, however many watch.

export type FeedMessage =
  | { type: "update"; event: EventView; logs: LogEntry[]; skipped: number; cursor: bigint }
  | { type: "db"; status: "down" | "up"; cursor: bigint };

type Listener = (m: FeedMessage) => void;

const POLL_MS = 100;
const IDLE_REFRESH_MS = 2_000;
const MAX_ROWS = 200;

class EventFeed {
  cursor = 0n;
  private readonly listeners = new Set<Listener>();
  private timer: NodeJS.Timeout | undefined;
  private lastSent = 0;
  private dbDown = false;
  private closed = false;
  readonly ready: Promise<void>;

  constructor(
    readonly eventId: number,
    private readonly onEmpty: () => void,
  ) {
    this.ready = lastLogId(eventId).then((id) => {
      this.cursor = id;
      this.schedule(POLL_MS);
    });
    this.ready.catch(() => this.close());
  }

  add(l: Listener): () => void {
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

  private emit(m: FeedMessage): void {
    for (const l of this.listeners) l(m);
  }

  private async poll(): Promise<void> {
    try {
      const batch = await logsAfter(this.eventId, this.cursor, MAX_ROWS);
      const stale = Date.now() - this.lastSent > IDLE_REFRESH_MS;
      if (batch.entries.length > 0 || stale || this.dbDown) {
        const event = await getEventView(this.eventId);
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
        console.error(`[feed] event ${this.eventId}`, err);
      }
      this.schedule(1_000);
    }
  }
}

const holder = globalThis as unknown as { __ticketingFeeds?: Map<number, EventFeed> };

/** Subscribes to an event's feed; resolves once the feed knows its cursor. */
export async function subscribe(eventId: number, listener: Listener): Promise<{ cursor: bigint; unsubscribe: () => void }> {
  const feeds = (holder.__ticketingFeeds ??= new Map());
  let feed = feeds.get(eventId);
  if (!feed) {
    const created: EventFeed = new EventFeed(eventId, () => {
      if (feeds.get(eventId) === created) feeds.delete(eventId);
    });
    feeds.set(eventId, created);
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
