import "server-only";
import { randomBytes } from "node:crypto";
import { AppError } from "@/lib/contracts/errors";
import { WEBHOOK_EVENT_TYPES, type NewWebhookEndpoint, type NewWebhookInput, type WebhookDeliveryStatus, type WebhookDeliveryView, type WebhookEndpointView, type WebhookEventType } from "@/lib/contracts/webhook";
import { db } from "@/lib/db/client";
import { env } from "@/lib/platform/env";
import { checkEndpointUrl } from "./address";
import { webhookIdOf } from "./deliver";

// An event's webhook endpoints, for the admin API and the page: add (the secret is shown in
// that answer only), list with their newest deliveries, delete, disable or enable, and retry
// one delivery. Each is one small statement or transaction; none touches the pool.

const RECENT = 20;

type EndpointRow = { id: number; eventId: number; url: string; description: string | null; events: string; disabledAt: Date | null; disabledReason: string | null; createdAt: Date };
type DeliveryRow = { id: bigint; eventId: number; type: string; status: string; attempts: number; lastStatus: number | null; lastError: string | null; createdAt: Date; lastAttemptAt: Date | null; nextAttemptAt: Date; deliveredAt: Date | null };

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function toDelivery(d: DeliveryRow): WebhookDeliveryView {
  const status = d.status as WebhookDeliveryStatus;
  return {
    id: String(d.id),
    webhookId: webhookIdOf(d.eventId, d.id),
    type: d.type,
    status,
    attempts: d.attempts,
    lastStatus: d.lastStatus,
    lastError: d.lastError,
    createdAt: d.createdAt.toISOString(),
    lastAttemptAt: iso(d.lastAttemptAt),
    nextAttemptAt: status === "PENDING" ? d.nextAttemptAt.toISOString() : null,
    deliveredAt: iso(d.deliveredAt),
  };
}

function toEndpoint(e: EndpointRow, deliveries: DeliveryRow[]): WebhookEndpointView {
  const subscribed = new Set(e.events.split(","));
  return {
    id: e.id,
    eventId: e.eventId,
    url: e.url,
    description: e.description,
    events: WEBHOOK_EVENT_TYPES.filter((t): t is WebhookEventType => subscribed.has(t)),
    disabled: e.disabledAt !== null,
    disabledAt: iso(e.disabledAt),
    disabledReason: e.disabledReason,
    createdAt: e.createdAt.toISOString(),
    deliveries: deliveries.map(toDelivery),
  };
}

async function requireEvent(eventId: number): Promise<void> {
  const ev = await db().event.findUnique({ where: { id: eventId }, select: { id: true } });
  if (!ev) throw new AppError("not_found", `There is no event with id ${eventId}`);
}

async function endpointOf(eventId: number, endpointId: number): Promise<EndpointRow> {
  const e = await db().webhookEndpoint.findFirst({ where: { id: endpointId, eventId } });
  if (!e) throw new AppError("not_found", `Event ${eventId} has no webhook endpoint with id ${endpointId}`);
  return e;
}

/** A Standard Webhooks secret: `whsec_` and 32 random bytes in base64. */
function newSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

/** Adds an endpoint; `appHosts` are the names this app was reached by (a URL to one of them is refused). */
export async function createWebhook(eventId: number, input: NewWebhookInput, appHosts: string[]): Promise<NewWebhookEndpoint> {
  await requireEvent(eventId);
  await checkEndpointUrl(input.url, { allowPrivate: env().WEBHOOK_ALLOW_PRIVATE, appPorts: [env().PORT], appHosts });
  const secret = newSecret();
  const row = await db().webhookEndpoint.create({ data: { eventId, url: input.url, description: input.description || null, events: input.events.join(","), secret } });
  return { ...toEndpoint(row, []), secret };
}

/** Every endpoint of the event, oldest first, each with its newest deliveries. */
export async function listWebhooks(eventId: number): Promise<WebhookEndpointView[]> {
  await requireEvent(eventId);
  const endpoints = await db().webhookEndpoint.findMany({ where: { eventId }, orderBy: { id: "asc" }, omit: { secret: true } });
  return Promise.all(
    endpoints.map(async (e) => {
      const deliveries = await db().webhookDelivery.findMany({ where: { endpointId: e.id }, orderBy: { id: "desc" }, take: RECENT, omit: { payload: true, endpointId: true, inFlightUntil: true } });
      return toEndpoint(e, deliveries);
    }),
  );
}

export async function getWebhook(eventId: number, endpointId: number): Promise<WebhookEndpointView> {
  const e = await endpointOf(eventId, endpointId);
  const deliveries = await db().webhookDelivery.findMany({ where: { endpointId }, orderBy: { id: "desc" }, take: RECENT });
  return toEndpoint(e, deliveries);
}

/** Deletes an endpoint and its deliveries; a second delete is a 404. */
export async function deleteWebhook(eventId: number, endpointId: number): Promise<{ id: number; removed: true }> {
  const n = await db().webhookEndpoint.deleteMany({ where: { id: endpointId, eventId } });
  if (n.count === 0) throw new AppError("not_found", `Event ${eventId} has no webhook endpoint with id ${endpointId}`);
  return { id: endpointId, removed: true };
}

/** Disables an endpoint (nothing is sent to it, and no new deliveries are written for it) or enables it again. */
export async function setWebhookDisabled(eventId: number, endpointId: number, disabled: boolean): Promise<WebhookEndpointView> {
  await endpointOf(eventId, endpointId);
  await db().webhookEndpoint.update({ where: { id: endpointId }, data: disabled ? { disabledAt: new Date(), disabledReason: "disabled by the operator" } : { disabledAt: null, disabledReason: null } });
  return getWebhook(eventId, endpointId);
}

/** Sends a delivery again now, whatever its state (one more attempt; a delivered one is sent again with the same webhook-id). */
export async function retryDelivery(eventId: number, endpointId: number, deliveryId: bigint): Promise<WebhookDeliveryView> {
  const e = await endpointOf(eventId, endpointId);
  if (e.disabledAt) throw new AppError("invalid_state", "This endpoint is disabled: enable it before retrying its deliveries");
  const n = await db().webhookDelivery.updateMany({ where: { id: deliveryId, endpointId }, data: { status: "PENDING", nextAttemptAt: new Date() } });
  if (n.count === 0) throw new AppError("not_found", `Endpoint ${endpointId} has no delivery with id ${deliveryId}`);
  const d = await db().webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId } });
  return toDelivery(d);
}
