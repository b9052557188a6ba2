"use server";

import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import type { ActionResult } from "@/lib/contracts/action-result";
import { fieldErrors } from "@/lib/contracts/event-input";
import { parseId } from "@/lib/contracts/ids";
import { newWebhookSchema, parseDeliveryId } from "@/lib/contracts/webhook";
import { adminAction } from "@/lib/server/action";
import { createWebhook, deleteWebhook, retryDelivery, setWebhookDisabled } from "@/lib/webhooks/endpoints";

// The webhooks page's actions: add an endpoint (its secret comes back in this answer only),
// delete, disable or enable one, retry a delivery. Each re-renders the page.

export type AddWebhookValues = { url: string; description: string; events: string[] };
export type AddWebhookState = { values: AddWebhookValues; result: ActionResult<{ id: number; secret: string }> | null };

const pagePath = (eventId: number) => `/events/${eventId}/webhooks`;

export async function addWebhookAction(eventId: number, _previous: AddWebhookState, form: FormData): Promise<AddWebhookState> {
  const values = { url: text(form.get("url"), 12_000), description: text(form.get("description"), 1_000), events: form.getAll("events").filter((v): v is string => typeof v === "string").slice(0, 20) };
  const result = await adminAction<{ id: number; secret: string }>(async () => {
    const parsed = newWebhookSchema.safeParse({ url: values.url, events: values.events, ...(values.description.trim() ? { description: values.description } : {}) });
    if (!parsed.success) return { ok: false, error: "The endpoint was not added: check the fields marked.", fieldErrors: fieldErrors(parsed.error) };
    const id = parseId(eventId, "event");
    const host = (await headers()).get("host");
    const endpoint = await createWebhook(id, parsed.data, host ? [host] : []);
    revalidatePath(pagePath(id));
    return { ok: true, data: { id: endpoint.id, secret: endpoint.secret }, message: `Endpoint ${endpoint.id} added. Its signing secret is shown only now: copy it into the receiver.` };
  });
  return { values, result };
}

export async function deleteWebhookAction(eventId: number, endpointId: number): Promise<ActionResult> {
  return adminAction(async () => {
    await deleteWebhook(parseId(eventId, "event"), parseId(endpointId, "webhook endpoint"));
    revalidatePath(pagePath(eventId));
    return { ok: true, data: undefined, message: `Endpoint ${endpointId} and its deliveries were deleted.` };
  });
}

export async function setWebhookDisabledAction(eventId: number, endpointId: number, disabled: boolean): Promise<ActionResult> {
  return adminAction(async () => {
    await setWebhookDisabled(parseId(eventId, "event"), parseId(endpointId, "webhook endpoint"), disabled === true);
    revalidatePath(pagePath(eventId));
    return { ok: true, data: undefined, message: disabled ? `Endpoint ${endpointId} is disabled: nothing is sent to it.` : `Endpoint ${endpointId} is enabled again.` };
  });
}

export async function retryDeliveryAction(eventId: number, endpointId: number, deliveryId: string): Promise<ActionResult> {
  return adminAction(async () => {
    await retryDelivery(parseId(eventId, "event"), parseId(endpointId, "webhook endpoint"), parseDeliveryId(deliveryId));
    revalidatePath(pagePath(eventId));
    return { ok: true, data: undefined, message: `Delivery ${deliveryId} will be sent again now.` };
  });
}

function text(raw: FormDataEntryValue | null, max: number): string {
  return typeof raw === "string" ? raw.slice(0, max) : "";
}
