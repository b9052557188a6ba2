"use server";

import { adminAction } from "@/lib/action";
import type { ActionResult } from "@/lib/action-result";
import { addCustomer, addVendor } from "@/lib/events/actors";
import { addCustomerSchema, addVendorSchema } from "@/lib/validation/actor";
import { fieldErrors, numbersFromForm } from "@/lib/validation/event";
import { parseEventId } from "./parse-ids";

// "Add vendor" and "Add customer" on the dashboard. The new row reaches every open page through
// the live stream; the answer only confirms, so it carries no more than the id and name.

export type AddActorValues = { name: string; rate: string; vip: boolean };

export type AddActorState = {
  /** What was submitted, shown again when it failed (React resets the form after an action). */
  values: AddActorValues;
  result: ActionResult<{ id: number; name: string }> | null;
};

export async function addVendorAction(eventId: number, _previous: AddActorState, form: FormData): Promise<AddActorState> {
  const values = valuesOf(form, "ticketReleaseRate");
  const result = await adminAction<{ id: number; name: string }>(async () => {
    const id = parseEventId(eventId);
    const parsed = addVendorSchema.safeParse({ name: values.name, ...numbersFromForm(form, ["ticketReleaseRate"]) });
    if (!parsed.success) return { ok: false, error: "The vendor was not added: check the fields marked.", fieldErrors: fieldErrors(parsed.error) };
    const vendor = await addVendor(id, parsed.data);
    return { ok: true, data: { id: vendor.id, name: vendor.name }, message: `${vendor.name} joined as a vendor.` };
  });
  return { values, result };
}

export async function addCustomerAction(eventId: number, _previous: AddActorState, form: FormData): Promise<AddActorState> {
  const values = valuesOf(form, "customerRetrievalRate");
  const result = await adminAction<{ id: number; name: string }>(async () => {
    const id = parseEventId(eventId);
    const parsed = addCustomerSchema.safeParse({ name: values.name, vip: values.vip, ...numbersFromForm(form, ["customerRetrievalRate"]) });
    if (!parsed.success) return { ok: false, error: "The customer was not added: check the fields marked.", fieldErrors: fieldErrors(parsed.error) };
    const customer = await addCustomer(id, parsed.data);
    return { ok: true, data: { id: customer.id, name: customer.name }, message: `${customer.vip ? "VIP " : ""}${customer.name} joined as a customer.` };
  });
  return { values, result };
}

function valuesOf(form: FormData, rateField: string): AddActorValues {
  return { name: text(form.get("name")), rate: text(form.get(rateField)), vip: form.get("vip") === "on" };
}

function text(raw: FormDataEntryValue | null): string {
  return typeof raw === "string" ? raw.slice(0, 1_000) : "";
}
