"use server";

import { redirect } from "next/navigation";
import { EVENT_FIELDS, NUMBER_FIELDS, type EventFormValues } from "@/app/_components/event-fields";
import { adminAction } from "@/lib/server/action";
import type { ActionResult } from "@/lib/contracts/action-result";
import { createEvent } from "@/lib/events/create";
import { createEventSchema, fieldErrors, numbersFromForm } from "@/lib/contracts/event-input";

export type CreateEventState = {
  /** What was submitted, so a form that failed validation shows it again rather than the defaults. */
  values: EventFormValues;
  result: ActionResult<{ id: number }> | null;
};

export async function createEventAction(_previous: CreateEventState, form: FormData): Promise<CreateEventState> {
  const values = Object.fromEntries(EVENT_FIELDS.map((f) => [f.name, stringField(form, f.name)])) as EventFormValues;

  const result = await adminAction<{ id: number }>(async () => {
    const parsed = createEventSchema.safeParse({ name: values.name, ...numbersFromForm(form, NUMBER_FIELDS) });
    if (!parsed.success) {
      const fields = fieldErrors(parsed.error);
      const count = Object.keys(fields).length;
      return { ok: false, error: `The event was not created: ${count === 1 ? "1 field needs" : `${count} fields need`} attention.`, fieldErrors: fields };
    }
    const id = await createEvent(parsed.data);
    return { ok: true, data: { id }, message: `Created “${parsed.data.name}”.` };
  });

  // redirect() works by throwing, so it must run outside adminAction, which maps every throw.
  if (result.ok) redirect(`/events/${result.data.id}`);
  return { values, result };
}

function stringField(form: FormData, name: string): string {
  const raw = form.get(name);
  return typeof raw === "string" ? raw.slice(0, 1_000) : "";
}
