"use client";

import { useActionState, useEffect, useMemo, useRef } from "react";
import { useFormStatus } from "react-dom";
import { addActorAction, type AddActorState } from "@/app/actions/add-actor";
import { RATE_FIELD } from "@/lib/contracts/actor-input";
import type { ActorKind } from "@/lib/contracts/event";
import { formatRate } from "@/lib/contracts/format";

const INITIAL: AddActorState = { values: { name: "", rate: "", vip: false }, result: null };

const KIND = {
  vendor: { title: "Add a vendor", noun: "Vendor", button: "Add vendor", pending: "Adding…", rateField: RATE_FIELD.vendor },
  customer: { title: "Add a customer", noun: "Customer", button: "Add customer", pending: "Adding…", rateField: RATE_FIELD.customer },
} as const;

/**
 * Adds a vendor or customer while the sale runs. The rate is optional: blank means the event's
 * default, which the placeholder shows. The new row arrives through the live stream.
 */
export function AddActorForm({ kind, eventId, names, defaultRate }: { kind: ActorKind; eventId: number; names: string[]; defaultRate: number }) {
  const k = KIND[kind];
  const action = useMemo(() => addActorAction.bind(null, eventId, kind), [eventId, kind]);
  const [state, formAction] = useActionState(action, INITIAL);
  const formRef = useRef<HTMLFormElement>(null);
  const failed = state.result !== null && !state.result.ok;
  const errors = state.result && !state.result.ok ? (state.result.fieldErrors ?? {}) : {};
  const suggested = nextName(k.noun, names);

  useEffect(() => {
    if (!state.result || state.result.ok) return;
    formRef.current?.querySelector<HTMLInputElement>("[aria-invalid='true']")?.focus();
  }, [state]);

  const id = (field: string) => `add-${kind}-${field}`;
  const nameError = errors.name;
  const rateError = errors[k.rateField];

  return (
    <form ref={formRef} action={formAction} noValidate className="add-actor" aria-labelledby={id("heading")} data-testid={`add-${kind}-form`}>
      <h3 id={id("heading")}>{k.title}</h3>
      <div className="add-actor-fields">
        <div className={`field add-actor-name${nameError ? " field-invalid" : ""}`}>
          <label htmlFor={id("name")}>{k.noun} name</label>
          <input
            id={id("name")}
            name="name"
            type="text"
            autoComplete="off"
            required
            defaultValue={failed ? state.values.name : suggested}
            aria-invalid={nameError ? true : undefined}
            aria-describedby={nameError ? id("name-error") : undefined}
          />
          {nameError ? (
            <p id={id("name-error")} className="field-error">
              {nameError}
            </p>
          ) : null}
        </div>
        <div className={`field add-actor-rate${rateError ? " field-invalid" : ""}`}>
          <label htmlFor={id("rate")}>
            {k.noun} rate <span className="unit">(tickets/s)</span>
          </label>
          <input
            id={id("rate")}
            name={k.rateField}
            type="text"
            inputMode="decimal"
            spellCheck={false}
            autoComplete="off"
            placeholder={`default ${formatRate(defaultRate)}`}
            defaultValue={failed ? state.values.rate : ""}
            aria-invalid={rateError ? true : undefined}
            aria-describedby={rateError ? `${id("rate-error")} ${id("rate-hint")}` : id("rate-hint")}
          />
          {rateError ? (
            <p id={id("rate-error")} className="field-error">
              {rateError}
            </p>
          ) : null}
          <p id={id("rate-hint")} className="field-hint">
            Optional: blank uses the event&rsquo;s {formatRate(defaultRate)} tickets/s.
          </p>
        </div>
        {kind === "customer" ? (
          <div className="field add-actor-vip">
            <span className="checkbox">
              <input id={id("vip")} name="vip" type="checkbox" defaultChecked={failed ? state.values.vip : false} aria-describedby={id("vip-hint")} />
              <label htmlFor={id("vip")}>VIP</label>
            </span>
            <p id={id("vip-hint")} className="field-hint">
              Served first.
            </p>
          </div>
        ) : null}
        <Submit label={k.button} pendingLabel={k.pending} />
      </div>
      <Status state={state} testId={`add-${kind}-status`} />
    </form>
  );
}

function Submit({ label, pendingLabel }: { label: string; pendingLabel: string }) {
  const { pending } = useFormStatus();
  return (
    <button type="submit" className="button add-actor-submit" disabled={pending}>
      {pending ? pendingLabel : label}
    </button>
  );
}

function Status({ state, testId }: { state: AddActorState; testId: string }) {
  const { pending } = useFormStatus();
  const result = state.result;
  let message = "";
  if (pending) message = "Adding…";
  else if (result && !result.ok) message = result.error;
  else if (result?.ok) message = result.message ?? "Added.";
  return (
    <p className={`form-status${result && !result.ok && !pending ? " form-status-error" : ""}`} role="status" aria-live="polite" data-testid={testId}>
      {message}
    </p>
  );
}

/** "Vendor 11" after "Vendor 10": the next free number of the usual names, so Add works at once. */
function nextName(noun: string, names: string[]): string {
  const pattern = new RegExp(`^${noun} (\\d+)$`);
  let max = 0;
  for (const n of names) {
    const m = pattern.exec(n);
    if (m) max = Math.max(max, Number(m[1]));
  }
  return `${noun} ${max + 1}`;
}
