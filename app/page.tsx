import Link from "next/link";
import { connection } from "next/server";
import type { EventSummary } from "@/lib/contracts/event";
import { listEvents } from "@/lib/events/view";
import { CreateEventForm } from "./_components/create-event-form";
import { formatCount, formatPercent } from "@/lib/contracts/format";
import { StatusPill } from "./_components/status-pill";

export default async function HomePage() {
  await connection();
  const events = await listEvents();
  return (
    <div className="home">
      <section className="card home-events" aria-labelledby="events-heading">
        <div className="section-head">
          <h1 id="events-heading">Events</h1>
          <p className="muted">{events.length === 0 ? "None yet" : `${formatCount(events.length)} ${events.length === 1 ? "event" : "events"}`}</p>
        </div>
        {events.length === 0 ? <EmptyState /> : <EventTable events={events} />}
      </section>
      <section className="card home-create">
        <CreateEventForm />
      </section>
    </div>
  );
}

function EmptyState() {
  return (
    <div className="empty-state" data-testid="events-empty">
      <p className="empty-title">No events yet</p>
      <p className="muted">Create one with the form: choose how many tickets there are, how big the pool is, and how many vendors and customers take part.</p>
    </div>
  );
}

function EventTable({ events }: { events: EventSummary[] }) {
  return (
    <table className="data-table event-table" aria-labelledby="events-heading">
      <thead>
        <tr>
          <th scope="col">Event</th>
          <th scope="col">Status</th>
          <th scope="col" className="num">
            Sold / total <span className="unit">(tickets)</span>
          </th>
          <th scope="col" className="num">
            Run
          </th>
        </tr>
      </thead>
      <tbody>
        {events.map((e) => (
          <tr key={e.id}>
            <th scope="row" data-label="Event">
              <Link href={`/events/${e.id}`}>{e.name}</Link>
            </th>
            <td data-label="Status">
              <StatusPill status={e.status} />
            </td>
            <td className="num" data-label="Sold / total">
              {formatCount(e.sold)} / {formatCount(e.totalTickets)} <span className="muted">({formatPercent(e.sold, e.totalTickets)})</span>
            </td>
            <td className="num" data-label="Run">
              Run {formatCount(e.run)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
