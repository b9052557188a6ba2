"use client";

import { useEffect, useReducer } from "react";
import type { LogEntry } from "@/lib/contracts/log";
import type { EventDelta, EventView } from "@/lib/contracts/event";
import { initialLiveState, liveReducer, type LiveAction, type LiveState } from "./live-state";

type Snapshot = { event: EventView; logs: LogEntry[] };
type Update = { event: EventDelta; logs: LogEntry[]; skipped: number };
type DbStatus = { status: "up" | "down" };

const RETRY_FIRST_MS = 1_000;
const RETRY_MAX_MS = 10_000;

/**
 * Keeps the event live: a snapshot on every (re)connection, then coalesced updates. EventSource
 * retries by itself after a dropped connection; when the server answers with an error instead
 * (it then gives up), this retries with backoff and asks /api/health whether the database is why.
 */
export function useEventStream(initialEvent: EventView, initialLogs: LogEntry[]): [LiveState, (action: LiveAction) => void] {
  const [state, dispatch] = useReducer(liveReducer, undefined, () => initialLiveState(initialEvent, initialLogs));
  const eventId = initialEvent.id;

  useEffect(() => {
    let source: EventSource | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let delay = RETRY_FIRST_MS;
    let disposed = false;

    const on = <T,>(type: string, handle: (data: T) => void) => {
      source?.addEventListener(type, (message) => {
        try {
          handle(JSON.parse((message as MessageEvent<string>).data) as T);
        } catch {
          // A message that is not JSON is dropped; the next update or snapshot carries the whole state.
        }
      });
    };

    const connect = () => {
      if (disposed) return;
      source = new EventSource(`/api/events/${eventId}/stream`);
      source.onopen = () => {
        delay = RETRY_FIRST_MS;
        dispatch({ type: "transport", transport: "live" });
      };
      on<Snapshot>("snapshot", (d) => dispatch({ type: "snapshot", event: d.event, logs: d.logs }));
      on<Update>("update", (d) => dispatch({ type: "update", event: d.event, logs: d.logs, skipped: d.skipped ?? 0 }));
      on<DbStatus>("db", (d) => dispatch({ type: "db", status: d.status === "down" ? "down" : "up" }));
      source.onerror = () => {
        dispatch({ type: "transport", transport: "reconnecting" });
        if (source?.readyState !== EventSource.CLOSED) return;
        source.close();
        void checkDatabase();
        timer = setTimeout(connect, delay);
        delay = Math.min(delay * 2, RETRY_MAX_MS);
      };
    };

    const checkDatabase = async () => {
      try {
        const res = await fetch("/api/health", { cache: "no-store" });
        if (!disposed) dispatch({ type: "db", status: res.status === 503 ? "down" : "up" });
      } catch {
        // The server itself is unreachable: "Reconnecting…" already says so.
      }
    };

    connect();
    return () => {
      disposed = true;
      clearTimeout(timer);
      source?.close();
    };
  }, [eventId]);

  return [state, dispatch];
}
