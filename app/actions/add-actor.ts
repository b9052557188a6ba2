"use server";

import { newActorSchema, RATE_FIELD } from "@/lib/contracts/actor-input";
import type { ActionResult } from "@/lib/contracts/action-result";
import { actorKindSchema } from "@/lib/contracts/event";
import { fieldErrors, numbersFromForm } from "@/lib/contracts/event-input";
import { parseId } from "@/lib/contracts/ids";
import { addActor } from "@/lib/events/roster";
import { adminAction } from "@/lib/server/action";

// "Add vendor" and "Add customer" on the dashboard. The new row reaches every open page through
// the live stream; the answer only confirms, so it carries no more than the id and name.

export type AddActorValues = { name: string; rate: string; vip: boolean };

export type AddActorState = {
  /** What was submitted, shown again when it failed (React resets the form after an action). */
  values: AddActorValues;
  result: ActionResult<{ id: number; name: string }> | null;
};

export async function addActorAction(eventId: number, rawKind: string, _previous: AddActorState, form: FormData): Promise<AddActorState> {
  const kind = actorKindSchema.safeParse(rawKind);
  const rateField = kind.success ? RATE_FIELD[kind.data] : "rate";
  const values = { name: text(form.get("name")), rate: text(form.get(rateField)), vip: form.get("vip") === "on" };
  const result = await adminAction<{ id: number; name: string }>(async () => {
    if (!kind.success) return { ok: false, error: "Nothing was added: an actor is a vendor or a customer." };
    const parsed = newActorSchema[kind.data].safeParse({ name: values.name, ...(kind.data === "customer" ? { vip: values.vip } : {}), ...numbersFromForm(form, [rateField]) });
    if (!parsed.success) return { ok: false, error: `The ${kind.data} was not added: check the fields marked.`, fieldErrors: fieldErrors(parsed.error) };
    const actor = await addActor(parseId(eventId, "event"), kind.data, parsed.data);
    return { ok: true, data: { id: actor.id, name: actor.name }, message: `${parsed.data.vip ? "VIP " : ""}${actor.name} joined as a ${kind.data}.` };
  });
  return { values, result };
}

function text(raw: FormDataEntryValue | null): string {
  return typeof raw === "string" ? raw.slice(0, 1_000) : "";
}
