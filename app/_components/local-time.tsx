"use client";

import { formatRelative } from "@/lib/contracts/format";
import { useNow } from "./use-now";

// A moment in the reader's own time zone, with how long ago it was ("2 min ago"). The server
// does not know the reader's zone: until the page runs in the browser it shows UTC, said so.

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });

export function LocalTime({ at }: { at: string }) {
  const now = useNow();
  if (now === null) return <time dateTime={at}>{at.replace("T", " ").slice(0, 19)} UTC</time>;
  return (
    <time dateTime={at} title={at}>
      {dateTime.format(new Date(at))} <span className="muted">({formatRelative(at, now)})</span>
    </time>
  );
}
