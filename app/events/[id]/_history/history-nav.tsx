import Link from "next/link";

// The links between an event's pages: dashboard, analytics, logs, runs, webhooks (the current one marked).

const PAGES = [
  { key: "dashboard", label: "Dashboard", path: "" },
  { key: "analytics", label: "Analytics", path: "/analytics" },
  { key: "logs", label: "Logs", path: "/logs" },
  { key: "runs", label: "Runs", path: "/runs" },
  { key: "webhooks", label: "Webhooks", path: "/webhooks" },
] as const;

export function HistoryNav({ eventId, current }: { eventId: number; current: (typeof PAGES)[number]["key"] }) {
  return (
    <nav className="history-nav" aria-label="Event pages">
      <Link href="/">← All events</Link>
      {PAGES.map((p) => (
        <Link key={p.key} href={`/events/${eventId}${p.path}`} aria-current={p.key === current ? "page" : undefined}>
          {p.label}
        </Link>
      ))}
    </nav>
  );
}
