"use client";

import Link from "next/link";
import { useCallback } from "react";
import type { LogEntry } from "@/lib/contracts/log";
import type { EventView } from "@/lib/contracts/event";
import { formatCount, formatRate } from "@/lib/contracts/format";
import { StatusPill } from "@/app/_components/status-pill";
import { ActorTable } from "./actor-tables";
import { EventControls } from "./event-controls";
import type { LiveState } from "./live-state";
import { LiveNumbers } from "./live-numbers";
import { LogFeed } from "./log-feed";
import { QueueStats } from "./queue-stats";
import { SellOutForecast } from "./sell-out-forecast";
import { AuditPanel } from "./_history/audit-panel";
import { useEventStream } from "./use-event-stream";

export function EventDashboard({ initialEvent, initialLogs }: { initialEvent: EventView; initialLogs: LogEntry[] }) {
  const [state, dispatch] = useEventStream(initialEvent, initialLogs);
  const { event } = state;
  const applyEvent = useCallback((next: EventView) => dispatch({ type: "applied", event: next }), [dispatch]);

  return (
    <div className="dashboard">
      <header className="dashboard-header">
        <nav className="header-links" aria-label="Event pages">
          <Link href="/">← All events</Link>
          <Link href={`/events/${event.id}/analytics`}>Analytics</Link>
          <Link href={`/events/${event.id}/logs`}>Logs</Link>
          <Link href={`/events/${event.id}/runs`}>Runs</Link>
          <Link href={`/events/${event.id}/webhooks`}>Webhooks</Link>
          <Link href={`/events/${event.id}/buy`} data-testid="buyer-page-link">
            Buyer page →
          </Link>
        </nav>
        <div className="title-row">
          <h1>{event.name}</h1>
          <StatusPill status={event.status} testId="status" />
          <span className="run-label" data-testid="run">
            Run {formatCount(event.run)}
          </span>
          {event.status === "RUNNING" && (
            <span className="run-label" data-testid="driver" title="The app instance that drives this sale (holds its lease)">
              {event.driver ? `Driven by ${event.driver}` : "Waiting for a driver…"}
            </span>
          )}
          <ConnectionIndicator state={state} />
        </div>
        <p className="muted config-line">
          {formatCount(event.totalTickets)} tickets · pool of {formatCount(event.maxTicketCapacity)} · vendors release {formatRate(event.ticketReleaseRate)} tickets/s · customers buy{" "}
          {formatRate(event.customerRetrievalRate)} tickets/s (defaults) ·{" "}
          {event.maxTicketsPerBuyer === null ? "no per-buyer limit" : `up to ${formatCount(event.maxTicketsPerBuyer)} tickets per buyer`}
        </p>
        <SellOutForecast event={event} />
        <EventControls event={event} onEvent={applyEvent} />
      </header>
      <LiveNumbers event={event} />
      <QueueStats waitStats={event.waitStats} />
      <ActorTable kind="vendor" eventId={event.id} status={event.status} actors={event.vendors} defaultRate={event.ticketReleaseRate} />
      <ActorTable kind="customer" eventId={event.id} status={event.status} actors={event.customers} defaultRate={event.customerRetrievalRate} />
      <aside className="dashboard-side">
        <LogFeed feed={state.feed} run={event.run} />
        <AuditPanel eventId={event.id} run={event.run} />
      </aside>
    </div>
  );
}

const CONNECTION = {
  live: { text: "Live", className: "connection-live" },
  connecting: { text: "Connecting…", className: "connection-pending" },
  reconnecting: { text: "Reconnecting…", className: "connection-pending" },
  dbDown: { text: "Database unavailable", className: "connection-down" },
} as const;

function ConnectionIndicator({ state }: { state: LiveState }) {
  const key = state.db === "down" ? "dbDown" : state.transport;
  const look = CONNECTION[key];
  return (
    <span className={`connection ${look.className}`} role="status" data-testid="connection" data-state={key}>
      <span className="connection-dot" aria-hidden="true" />
      {look.text}
    </span>
  );
}
