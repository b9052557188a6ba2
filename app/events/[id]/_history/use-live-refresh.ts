"use client";

import { useEffect, useRef } from "react";

// Calls `refresh` when the event's live stream reports a change, at most once per `everyMs`
// (a sale sends up to 10 updates a second; the aggregates need not follow each one). The
// history pages use the same SSE stream as the dashboard, so any instance serves them.

export function useLiveRefresh(eventId: number, enabled: boolean, refresh: () => Promise<void> | void, everyMs = 1_000): void {
  const latest = useRef(refresh);
  useEffect(() => {
    latest.current = refresh;
  }, [refresh]);

  useEffect(() => {
    if (!enabled) return;
    const source = new EventSource(`/api/events/${eventId}/stream`);
    let last = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let busy = false;
    const run = async () => {
      timer = undefined;
      if (busy) return;
      busy = true;
      last = Date.now();
      try {
        await latest.current();
      } finally {
        busy = false;
      }
    };
    const changed = () => {
      if (timer) return;
      timer = setTimeout(run, Math.max(0, last + everyMs - Date.now()));
    };
    source.addEventListener("update", changed);
    source.addEventListener("snapshot", changed);
    return () => {
      source.close();
      if (timer) clearTimeout(timer);
    };
  }, [eventId, enabled, everyMs]);
}
