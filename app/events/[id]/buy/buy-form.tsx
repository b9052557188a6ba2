"use client";

import { useActionState, useEffect, useRef } from "react";
import { useFormStatus } from "react-dom";
import { buyTicketsAction, type BuyState } from "@/app/actions/buy-tickets";
import type { PurchaseView } from "@/lib/contracts/purchase";
import { formatCount } from "@/lib/contracts/format";

const UNREACHABLE = "The server could not be reached, so you are not in the queue. Try again in a moment.";

/** "Your name" and "Quantity", then "Join the queue". Errors sit next to their field; the outcome is announced. */
export function BuyForm({
  eventId,
  heading,
  holdSeconds,
  defaultBuyer,
  maxQuantity,
  limit,
  onJoined,
  onRefused,
}: {
  eventId: number;
  heading: string;
  holdSeconds: number;
  defaultBuyer: string;
  maxQuantity: number;
  limit: number | null;
  onJoined: (purchase: PurchaseView) => void;
  onRefused: () => void;
}) {
  const [state, formAction] = useActionState(async (previous: BuyState, form: FormData): Promise<BuyState> => {
    let next: BuyState;
    try {
      next = await buyTicketsAction(eventId, previous, form);
    } catch {
      next = { values: { buyer: String(form.get("buyer") ?? ""), quantity: String(form.get("quantity") ?? "1"), mode: String(form.get("mode") ?? "sale") }, result: { ok: false, error: UNREACHABLE } };
    }
    if (next.result?.ok) onJoined(next.result.data);
    else onRefused();
    return next;
  }, { values: { buyer: defaultBuyer, quantity: "1", mode: "sale" }, result: null });
  const formRef = useRef<HTMLFormElement>(null);
  const errors = state.result && !state.result.ok ? (state.result.fieldErrors ?? {}) : {};
  const failed = state.result !== null && !state.result.ok;
  const quantities = Array.from({ length: maxQuantity }, (_, i) => String(i + 1));
  const quantity = failed && quantities.includes(state.values.quantity) ? state.values.quantity : "1";

  useEffect(() => {
    if (!state.result || state.result.ok) return;
    // To the field to fix, or back to the button the buyer pressed (it was disabled while pending).
    const form = formRef.current;
    (form?.querySelector<HTMLElement>("[aria-invalid='true']") ?? form?.querySelector<HTMLElement>("button[type='submit']"))?.focus();
  }, [state]);

  return (
    <form ref={formRef} action={formAction} noValidate className="card buy-form" aria-labelledby="buy-heading" data-testid="buy-form">
      <h2 id="buy-heading">{heading}</h2>
      <div className="buy-fields">
        <div className={`field${errors.buyer ? " field-invalid" : ""}`}>
          <label htmlFor="buy-buyer">Your name</label>
          <input
            id="buy-buyer"
            name="buyer"
            type="text"
            autoComplete="name"
            required
            maxLength={120}
            defaultValue={failed ? state.values.buyer : defaultBuyer}
            aria-invalid={errors.buyer ? true : undefined}
            aria-describedby={errors.buyer ? "buy-buyer-error buy-buyer-hint" : "buy-buyer-hint"}
          />
          {errors.buyer ? (
            <p id="buy-buyer-error" className="field-error">
              {errors.buyer}
            </p>
          ) : null}
          <p id="buy-buyer-hint" className="field-hint">
            The name your tickets are sold to; up to 120 characters.
          </p>
        </div>
        <div className={`field buy-quantity${errors.quantity ? " field-invalid" : ""}`}>
          <label htmlFor="buy-quantity">
            Quantity <span className="unit">(tickets)</span>
          </label>
          <select
            id="buy-quantity"
            name="quantity"
            key={`${maxQuantity}-${quantity}`}
            defaultValue={quantity}
            aria-invalid={errors.quantity ? true : undefined}
            aria-describedby={errors.quantity ? "buy-quantity-error buy-quantity-hint" : "buy-quantity-hint"}
          >
            {quantities.map((q) => (
              <option key={q} value={q}>
                {q}
              </option>
            ))}
          </select>
          {errors.quantity ? (
            <p id="buy-quantity-error" className="field-error">
              {errors.quantity}
            </p>
          ) : null}
          <p id="buy-quantity-hint" className="field-hint">
            {limit === null ? `1 – ${formatCount(maxQuantity)} per purchase.` : `1 – ${formatCount(maxQuantity)} per purchase; ${formatCount(limit)} per buyer in all.`}
          </p>
        </div>
      </div>
      <fieldset className="field buy-mode">
        <legend>How to buy</legend>
        <div className="radio-choices">
          <label>
            <input type="radio" name="mode" value="sale" defaultChecked={!failed || state.values.mode !== "hold"} /> Buy now
          </label>
          <label>
            <input type="radio" name="mode" value="hold" defaultChecked={failed && state.values.mode === "hold"} aria-describedby="buy-mode-hint" /> Hold, then confirm
          </label>
        </div>
        <p id="buy-mode-hint" className="field-hint">
          A hold keeps your tickets for {formatCount(holdSeconds)} seconds{holdSeconds % 60 === 0 ? ` (${formatCount(holdSeconds / 60)} min)` : ""} while you decide; unconfirmed, they go back to the queue.
        </p>
      </fieldset>
      <Footer state={state} />
    </form>
  );
}

function Footer({ state }: { state: BuyState }) {
  const { pending } = useFormStatus();
  const result = state.result;
  let message = "";
  if (pending) message = "Joining the queue…";
  else if (result && !result.ok) message = result.error;
  return (
    <div className="form-footer">
      <button type="submit" className="button button-primary buy-submit" disabled={pending}>
        {pending ? "Joining…" : "Join the queue"}
      </button>
      <p className={`form-status${result && !result.ok && !pending ? " form-status-error" : ""}`} role="status" aria-live="polite" data-testid="buy-status">
        {message}
      </p>
    </div>
  );
}
