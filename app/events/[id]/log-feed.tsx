"use client";

import { memo } from "react";
import type { LogEntry, LogKind } from "@/lib/contracts/log";
import { formatCount, formatRelative } from "@/lib/contracts/format";
import { useNow } from "@/app/_components/use-now";
import { FEED_LIMIT, type FeedItem } from "./live-state";

const KIND_LABEL: Record<LogKind, string> = {
  CREATED: "Created",
  STARTED: "Started",
  RESUMED: "Resumed",
  CATCH_UP: "Caught up",
  STOPPED: "Stopped",
  RESET: "Reset",
  CONFIG: "Config",
  RELEASED: "Released",
  SOLD: "Sold",
  POOL_FULL: "Pool full",
  WAITING: "Waiting",
  VENDOR_DONE: "Vendor done",
  SOLD_OUT: "Sold out",
  QUEUED: "Queued",
  CANCELLED: "Left queue",
  REFUSED: "Refused",
  HELD: "Held",
  RETURNED: "Returned",
  CONFIRMED: "Confirmed",
  ERROR: "Error",
};

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });

export function LogFeed({ feed, run }: { feed: FeedItem[]; run: number }) {
  const entries = feed.reduce((n, item) => n + (item.type === "log" ? 1 : 0), 0);
  return (
    <section className="card log-panel">
      <div className="section-head">
        <h2 id="log-heading">Live log</h2>
        <p className="muted">
          Run {formatCount(run)} · newest first{entries >= FEED_LIMIT ? ` · latest ${FEED_LIMIT}` : ""}
        </p>
      </div>
      {feed.length === 0 ? (
        <p className="muted empty-inline" data-testid="log-empty">
          Nothing has happened in this run yet.
        </p>
      ) : null}
      {/* Focusable, so that a keyboard can scroll the list (it scrolls on its own, beside the page). */}
      <ol className="log-list" aria-label="Live log" data-testid="log" tabIndex={0}>
        {feed.map((item) => (item.type === "gap" ? <GapRow key={item.key} count={item.count} /> : <LogRow key={item.key} entry={item.entry} />))}
      </ol>
    </section>
  );
}

function GapRow({ count }: { count: number }) {
  return (
    <li className="log-gap" data-testid="log-gap">
      +{formatCount(count)} more not shown
    </li>
  );
}

// Log rows never change once shown; only their "12 s ago" ticks, in its own small component.
const LogRow = memo(function LogRow({ entry }: { entry: LogEntry }) {
  return (
    <li className={`log-row log-${entry.kind.toLowerCase().replace("_", "-")}${entry.vip ? " log-vip" : ""}`} data-kind={entry.kind}>
      <LogTime at={entry.at} />
      <p className="log-message">
        <span className="log-kind">{KIND_LABEL[entry.kind] ?? entry.kind}</span>
        {entry.vip ? <span className="badge badge-vip">VIP</span> : null} {entry.message}
      </p>
    </li>
  );
});

function LogTime({ at }: { at: string }) {
  const now = useNow();
  // Local time only in the browser: the server does not know the reader's time zone.
  if (now === null) return <div className="log-meta" />;
  const date = new Date(at);
  return (
    <div className="log-meta">
      <time dateTime={at} title={fullFormat.format(date)}>
        {timeFormat.format(date)}
      </time>
      <span className="log-relative">{formatRelative(at, now)}</span>
    </div>
  );
}
