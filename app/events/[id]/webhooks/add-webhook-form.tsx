"use client";

import { useActionState, useEffect, useMemo, useRef } from "react";
import { useFormStatus } from "react-dom";
import { addWebhookAction, type AddWebhookState } from "@/app/actions/webhooks";
import { NOT_YET_SENT, WEBHOOK_EVENT_TYPES } from "@/lib/contracts/webhook";

const INITIAL: AddWebhookState = { values: { url: "", description: "", events: [] }, result: null };
const DEFAULT_TYPES: readonly string[] = ["purchase.completed", "event.started", "event.stopped", "event.sold_out"];

/** Adds an endpoint; its errors show next to their fields, and the secret once in the live region. */
export function AddWebhookForm({ eventId }: { eventId: number }) {
  const action = useMemo(() => addWebhookAction.bind(null, eventId), [eventId]);
  const [state, formAction] = useActionState(action, INITIAL);
  const formRef = useRef<HTMLFormElement>(null);
  const failed = state.result !== null && !state.result.ok;
  const errors = state.result && !state.result.ok ? (state.result.fieldErrors ?? {}) : {};
  const checked = (t: string) => (failed ? state.values.events.includes(t) : DEFAULT_TYPES.includes(t));

  useEffect(() => {
    if (!state.result || state.result.ok) return;
    formRef.current?.querySelector<HTMLElement>("[aria-invalid='true']")?.focus();
  }, [state]);

  return (
    <form ref={formRef} action={formAction} noValidate className="webhook-form" aria-labelledby="add-webhook-heading" data-testid="add-webhook-form" key={state.result?.ok ? `ok-${state.result.data.id}` : "form"}>
      <h2 id="add-webhook-heading">Add an endpoint</h2>
      <div className={`field${errors.url ? " field-invalid" : ""}`}>
        <label htmlFor="webhook-url">Endpoint URL</label>
        <input
          id="webhook-url"
          name="url"
          type="url"
          inputMode="url"
          autoComplete="off"
          spellCheck={false}
          placeholder="https://example.com/webhooks/tickets"
          defaultValue={failed ? state.values.url : ""}
          aria-invalid={errors.url ? true : undefined}
          aria-describedby={errors.url ? "webhook-url-error webhook-url-hint" : "webhook-url-hint"}
        />
        <p id="webhook-url-hint" className="field-hint">
          http:// or https://, public addresses only; receives a signed POST per event (Standard Webhooks).
        </p>
        {errors.url ? (
          <p id="webhook-url-error" className="field-error">
            {errors.url}
          </p>
        ) : null}
      </div>
      <div className={`field${errors.description ? " field-invalid" : ""}`}>
        <label htmlFor="webhook-description">Description (optional)</label>
        <input id="webhook-description" name="description" type="text" autoComplete="off" defaultValue={failed ? state.values.description : ""} aria-invalid={errors.description ? true : undefined} aria-describedby={errors.description ? "webhook-description-error" : undefined} />
        {errors.description ? (
          <p id="webhook-description-error" className="field-error">
            {errors.description}
          </p>
        ) : null}
      </div>
      <fieldset className={`webhook-types${errors.events ? " field-invalid" : ""}`} aria-invalid={errors.events ? true : undefined} aria-describedby={errors.events ? "webhook-events-error" : undefined} tabIndex={errors.events ? -1 : undefined}>
        <legend>Events to send</legend>
        {WEBHOOK_EVENT_TYPES.map((t) => (
          <label key={t} className="webhook-type">
            <input type="checkbox" name="events" value={t} defaultChecked={checked(t)} /> <code>{t}</code>
            {NOT_YET_SENT.includes(t) ? <span className="muted"> (sent once checkout holds exist)</span> : null}
          </label>
        ))}
        {errors.events ? (
          <p id="webhook-events-error" className="field-error">
            {errors.events}
          </p>
        ) : null}
      </fieldset>
      <Submit />
      <div role="status" aria-live="polite" className="webhook-result" data-testid="add-webhook-result">
        {state.result?.ok ? (
          <p>
            {state.result.message} <code data-testid="webhook-secret">{state.result.data.secret}</code>
          </p>
        ) : state.result ? (
          <p className="field-error">{state.result.error}</p>
        ) : null}
      </div>
    </form>
  );
}

function Submit() {
  const { pending } = useFormStatus();
  return (
    <button className="button button-primary" type="submit" disabled={pending}>
      {pending ? "Adding…" : "Add endpoint"}
    </button>
  );
}
