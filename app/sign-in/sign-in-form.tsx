"use client";

import { useActionState } from "react";
import { useFormStatus } from "react-dom";
import { signInAction, type SignInState } from "@/app/actions/sign-in";

export function SignInForm({ next }: { next: string }) {
  const [state, action] = useActionState<SignInState, FormData>(signInAction, { error: null });
  return (
    <form action={action} className="card sign-in" noValidate aria-labelledby="sign-in-heading">
      <h1 id="sign-in-heading">Operator sign-in</h1>
      <p className="muted">Admin actions — creating events, starting and stopping sales, managing vendors and customers — need the server&apos;s admin token.</p>
      <input type="hidden" name="next" value={next} />
      <div className={`field${state.error ? " field-invalid" : ""}`}>
        <label htmlFor="token">Admin token</label>
        <input id="token" name="token" type="password" autoComplete="current-password" required aria-invalid={state.error ? true : undefined} aria-describedby={state.error ? "token-error" : undefined} />
        {state.error ? (
          <p id="token-error" className="field-error" role="alert">
            {state.error}
          </p>
        ) : null}
      </div>
      <Submit />
    </form>
  );
}

function Submit() {
  const { pending } = useFormStatus();
  return (
    <button type="submit" className="button button-primary" disabled={pending}>
      {pending ? "Signing in…" : "Sign in"}
    </button>
  );
}
