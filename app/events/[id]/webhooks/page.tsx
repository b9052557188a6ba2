import type { Metadata } from "next";
import Link from "next/link";
import { cookies, headers } from "next/headers";
import { LocalTime } from "@/app/_components/local-time";
import { deleteWebhookAction, retryDeliveryAction, setWebhookDisabledAction } from "@/app/actions/webhooks";
import { formatCount } from "@/lib/contracts/format";
import type { WebhookDeliveryView, WebhookEndpointView } from "@/lib/contracts/webhook";
import { ADMIN_COOKIE, isAdmin } from "@/lib/server/auth";
import { listWebhooks } from "@/lib/webhooks/endpoints";
import "../history.css";
import "./webhooks.css";
import { HistoryNav } from "../_history/history-nav";
import { loadEvent } from "../load-event";
import { AddWebhookForm } from "./add-webhook-form";
import { AutoRefresh } from "./auto-refresh";
import { WebhookButton } from "./webhook-button";

type Props = { params: Promise<{ id: string }> };

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const event = await loadEvent((await params).id);
  return { title: `Webhooks · ${event.name}` };
}

const STATUS_LABEL = { PENDING: "Pending", DELIVERED: "Delivered", FAILED: "Failed" } as const;

export default async function WebhooksPage({ params }: Props) {
  const event = await loadEvent((await params).id);
  const admin = await isAdmin(await headers(), (await cookies()).get(ADMIN_COOKIE)?.value);
  const header = (
    <header className="history-header">
      <HistoryNav eventId={event.id} current="webhooks" />
      <h1>Webhooks · {event.name}</h1>
      <p className="muted">
        Each endpoint gets a signed POST (Standard Webhooks: <code>webhook-id</code>, <code>webhook-timestamp</code>, <code>webhook-signature</code>) for the events it subscribes to, at least once and in the event&apos;s order. Failed deliveries are retried for about 3 days; an endpoint that answers 410 is disabled.
      </p>
    </header>
  );
  if (!admin) {
    return (
      <div className="history-page">
        {header}
        <section className="card webhook-card">
          <p>
            Webhooks are the operator&apos;s: <Link href="/sign-in">sign in</Link> to see and manage them.
          </p>
        </section>
      </div>
    );
  }
  const endpoints = await listWebhooks(event.id);
  return (
    <div className="history-page">
      <AutoRefresh active />
      {header}
      <section className="card webhook-card">
        <AddWebhookForm eventId={event.id} />
      </section>
      <section aria-labelledby="endpoints-title" className="webhook-endpoints">
        <h2 id="endpoints-title">Endpoints</h2>
        {endpoints.length === 0 ? (
          <p className="card webhook-card muted" data-testid="webhooks-empty">
            No endpoints yet. Add one above, and every start, stop, sell-out and real buyer&apos;s purchase of this event is sent to it.
          </p>
        ) : (
          endpoints.map((e) => <Endpoint key={e.id} eventId={event.id} endpoint={e} />)
        )}
      </section>
    </div>
  );
}

function Endpoint({ eventId, endpoint: e }: { eventId: number; endpoint: WebhookEndpointView }) {
  const titleId = `endpoint-${e.id}-title`;
  return (
    <article className="card webhook-card" aria-labelledby={titleId} data-testid={`endpoint-${e.id}`}>
      <div className="webhook-endpoint-head">
        <h3 id={titleId}>
          <span className="visually-hidden">Endpoint {e.id}: </span>
          <code className="webhook-url">{e.url}</code>
        </h3>
        <span className={`pill ${e.disabled ? "pill-stopped" : "pill-running"}`} data-testid={`endpoint-${e.id}-state`}>
          {e.disabled ? "Disabled" : "Enabled"}
        </span>
      </div>
      {e.description ? <p>{e.description}</p> : null}
      {e.disabled && e.disabledReason ? <p className="muted">Disabled: {e.disabledReason}.</p> : null}
      <p className="muted">
        Sends: {e.events.map((t) => <code key={t}>{t} </code>)} · added <LocalTime at={e.createdAt} />
      </p>
      <div className="webhook-actions">
        <WebhookButton label={e.disabled ? "Enable" : "Disable"} pendingLabel={e.disabled ? "Enabling…" : "Disabling…"} action={setWebhookDisabledAction.bind(null, eventId, e.id, !e.disabled)} describedBy={titleId} />
        <WebhookButton label="Delete" pendingLabel="Deleting…" danger action={deleteWebhookAction.bind(null, eventId, e.id)} describedBy={titleId} />
      </div>
      {e.deliveries.length === 0 ? (
        <p className="muted" data-testid={`endpoint-${e.id}-no-deliveries`}>
          No deliveries yet: they appear when the event starts, stops, sells out or a real buyer completes a purchase.
        </p>
      ) : (
        <div className="table-scroll" tabIndex={0} role="region" aria-label={`Deliveries to endpoint ${e.id}, newest first`}>
          <table className="data-table" data-testid={`endpoint-${e.id}-deliveries`}>
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
                <th scope="col">Last response</th>
                <th scope="col">Next attempt</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {e.deliveries.map((d) => (
                <Delivery key={d.id} eventId={eventId} endpoint={e} delivery={d} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </article>
  );
}

function Delivery({ eventId, endpoint, delivery: d }: { eventId: number; endpoint: WebhookEndpointView; delivery: WebhookDeliveryView }) {
  const rowId = `delivery-${d.id}`;
  return (
    <tr data-testid={rowId}>
      <th scope="row" id={rowId}>
        <code>{d.type}</code>
        <br />
        <span className="muted webhook-id" title="webhook-id: the same on every attempt">
          {d.webhookId}
        </span>
      </th>
      <td>
        <span className={`delivery-status delivery-${d.status.toLowerCase()}`}>{STATUS_LABEL[d.status]}</span>
      </td>
      <td className="num">{formatCount(d.attempts)}</td>
      <td>
        {d.lastStatus !== null ? `HTTP ${d.lastStatus}` : d.attempts > 0 && d.lastError ? "no answer" : "—"}
        {d.lastError ? <span className="muted webhook-error"> {d.lastError}</span> : null}
      </td>
      <td>{d.nextAttemptAt ? <LocalTime at={d.nextAttemptAt} /> : "—"}</td>
      <td>
        <LocalTime at={d.createdAt} />
      </td>
      <td>{endpoint.disabled ? <span className="muted">enable to retry</span> : <WebhookButton label="Retry" pendingLabel="Retrying…" action={retryDeliveryAction.bind(null, eventId, endpoint.id, d.id)} describedBy={rowId} />}</td>
    </tr>
  );
}
