"use client";

import { useActionState, useEffect, useRef } from "react";
import { useFormStatus } from "react-dom";
import { createEventAction, type CreateEventState } from "@/app/actions/create-event";
import { DEFAULT_EVENT_VALUES, EVENT_FIELDS, type EventField } from "./event-fields";

const INITIAL: CreateEventState = { values: DEFAULT_EVENT_VALUES, result: null };

export function CreateEventForm() {
  const [state, formAction] = useActionState(createEventAction, INITIAL);
  const formRef = useRef<HTMLFormElement>(null);
  const errors = state.result && !state.result.ok ? (state.result.fieldErrors ?? {}) : {};

  // After a failed submit, take the keyboard to the first field that needs fixing.
  useEffect(() => {
    if (!state.result || state.result.ok) return;
    formRef.current?.querySelector<HTMLInputElement>("[aria-invalid='true']")?.focus();
  }, [state]);

  return (
    <form ref={formRef} action={formAction} noValidate className="create-form" aria-labelledby="create-heading">
      <h2 id="create-heading">Create an event</h2>
      <p className="muted">It starts idle: nothing is released or sold until you press Start on its page.</p>
      <div className="field-grid">
        {EVENT_FIELDS.map((field) => (
          <Field key={field.name} field={field} defaultValue={state.values[field.name]} error={errors[field.name]} />
        ))}
      </div>
      <FormFooter state={state} />
    </form>
  );
}

function Field({ field, defaultValue, error }: { field: EventField; defaultValue: string; error?: string }) {
  const id = `field-${field.name}`;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  return (
    <div className={`field${field.kind === "text" ? " field-wide" : ""}${error ? " field-invalid" : ""}`}>
      <label htmlFor={id}>
        {field.label}
        {field.unit ? <span className="unit"> ({field.unit})</span> : null}
      </label>
      <input
        id={id}
        name={field.name}
        type="text"
        inputMode={field.kind === "integer" ? "numeric" : field.kind === "rate" ? "decimal" : undefined}
        spellCheck={field.kind === "text" ? undefined : false}
        required={field.required}
        autoComplete="off"
        defaultValue={defaultValue}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${errorId} ${hintId}` : hintId}
      />
      {error ? (
        <p id={errorId} className="field-error">
          {error}
        </p>
      ) : null}
      <p id={hintId} className="field-hint">
        {field.hint}
      </p>
    </div>
  );
}

function FormFooter({ state }: { state: CreateEventState }) {
  const { pending } = useFormStatus();
  const result = state.result;
  let message = "";
  if (pending) message = "Creating the event…";
  else if (result && !result.ok) message = result.error;
  else if (result?.ok) message = result.message ?? "Created.";
  return (
    <div className="form-footer">
      <button type="submit" className="button button-primary" disabled={pending}>
        {pending ? "Creating…" : "Create event"}
      </button>
      <p className={`form-status${result && !result.ok && !pending ? " form-status-error" : ""}`} role="status" aria-live="polite" data-testid="create-status">
        {message}
      </p>
    </div>
  );
}
