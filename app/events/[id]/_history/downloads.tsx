// Download links for an event's exports (streamed by the API, named by Content-Disposition).

export function Downloads({ eventId, run }: { eventId: number; run?: number }) {
  const q = run === undefined ? "" : `run=${run}&`;
  const links = [
    { href: `/api/events/${eventId}/tickets?${q}format=csv`, label: "Tickets (CSV)" },
    { href: `/api/events/${eventId}/tickets?${q}format=ndjson`, label: "Tickets (NDJSON)" },
    { href: `/api/events/${eventId}/purchases?${q}format=csv`, label: "Purchases (CSV)" },
    { href: `/api/events/${eventId}/logs?${q}format=csv`, label: "Log (CSV)" },
  ];
  return (
    <div className="downloads" role="group" aria-label={`Downloads${run === undefined ? "" : ` for run ${run}`}`}>
      {links.map((l) => (
        <a key={l.href} className="button button-small" href={l.href} download>
          ↓ {l.label}
        </a>
      ))}
    </div>
  );
}
