import type { LogEntry } from "@/lib/contracts/log";
import { applyDelta, type ActorState, type EventDelta, type EventStatus, type EventView } from "@/lib/contracts/event";

// What the dashboard knows, and how each stream message (DESIGN §5) changes it. Pure, so the
// rules — newest first, bounded, one run at a time, gaps marked — live in one place.

export const FEED_LIMIT = 200;

export type FeedItem = { type: "log"; key: string; run: number; entry: LogEntry } | { type: "gap"; key: string; run: number; count: number };

export type Transport = "connecting" | "live" | "reconnecting";

export type LiveState = {
  event: EventView;
  feed: FeedItem[];
  transport: Transport;
  db: "up" | "down";
};

export type LiveAction =
  | { type: "snapshot"; event: EventView; logs: LogEntry[] }
  | { type: "update"; event: EventDelta | EventView; logs: LogEntry[]; skipped: number }
  | { type: "db"; status: "up" | "down" }
  | { type: "transport"; transport: Transport }
  | { type: "applied"; event: EventView };

export function initialLiveState(event: EventView, logs: LogEntry[]): LiveState {
  return { event, feed: feedFromNewestFirst(logs, event.run), transport: "connecting", db: "up" };
}

export function liveReducer(state: LiveState, action: LiveAction): LiveState {
  switch (action.type) {
    case "snapshot":
      // A snapshot is the whole truth (sent on every connection): the feed starts over.
      return { event: action.event, feed: feedFromNewestFirst(action.logs, action.event.run), transport: "live", db: "up" };
    case "update": {
      // An update carries only what changed (the actors that moved): merged into what is known.
      const event = applyDelta(state.event, action.event);
      const run = event.run;
      // Rows are known by their place in the event's log (seq, in commit order); ids are not in that order on a cluster.
      const newest = newestLogSeq(state.feed);
      const fresh = action.logs.filter((e) => e.run === run && (newest === null || BigInt(e.seq) > newest));
      const added: FeedItem[] = fresh.map(logItem).reverse();
      if (action.skipped > 0) {
        // The rows the server left out are older than the ones it sent: the gap goes below them.
        added.push({ type: "gap", key: `gap-${fresh[0]?.id ?? Date.now()}`, run, count: action.skipped });
      }
      const kept = state.feed.filter((item) => item.run === run);
      return { event, feed: [...added, ...kept].slice(0, FEED_LIMIT), transport: "live", db: "up" };
    }
    case "db":
      return state.db === action.status ? state : { ...state, db: action.status };
    case "transport":
      return state.transport === action.transport ? state : { ...state, transport: action.transport };
    case "applied": {
      // An action's answer may arrive after the stream has already shown something newer.
      if (!isNotOlder(action.event, state.event)) return state;
      return { ...state, event: action.event, feed: state.feed.filter((item) => item.run === action.event.run) };
    }
  }
}

/** Within a run the counters only grow; a new run is always newer. */
function isNotOlder(candidate: EventView, current: EventView): boolean {
  if (candidate.run !== current.run) return candidate.run > current.run;
  return candidate.released >= current.released && candidate.sold >= current.sold;
}

function logItem(entry: LogEntry): FeedItem {
  return { type: "log", key: entry.id, run: entry.run, entry };
}

function feedFromNewestFirst(logs: LogEntry[], run: number): FeedItem[] {
  return logs
    .filter((e) => e.run === run)
    .slice(0, FEED_LIMIT)
    .map(logItem);
}

function newestLogSeq(feed: FeedItem[]): bigint | null {
  for (const item of feed) if (item.type === "log") return BigInt(item.entry.seq);
  return null;
}

/** What an actor's state cell says: "paused" only for an actor someone paused; before the sale starts or while it is stopped, the event's state. */
export type ShownActorState = ActorState | "NOT_STARTED" | "STOPPED";

export function shownActorState(state: ActorState, paused: boolean, status: EventStatus): ShownActorState {
  if (paused) return "PAUSED";
  if (state === "DONE") return "DONE";
  if (status === "IDLE") return "NOT_STARTED";
  if (status === "STOPPED") return "STOPPED";
  return state;
}
