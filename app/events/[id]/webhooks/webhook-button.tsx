"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import type { ActionResult } from "@/lib/contracts/action-result";

/** A button that runs one server action (bound to its endpoint or delivery) and says how it went. */
export function WebhookButton({ label, pendingLabel, action, danger = false, describedBy }: { label: string; pendingLabel: string; action: () => Promise<ActionResult>; danger?: boolean; describedBy?: string }) {
  const [pending, start] = useTransition();
  const [said, setSaid] = useState<{ ok: boolean; text: string } | null>(null);
  const router = useRouter();
  return (
    <span className="webhook-button">
      <button
        type="button"
        className={`button button-small${danger ? " button-quiet-danger" : ""}`}
        disabled={pending}
        aria-describedby={describedBy}
        onClick={() =>
          start(async () => {
            const r = await action();
            setSaid(r.ok ? { ok: true, text: r.message ?? "Done." } : { ok: false, text: r.error });
            router.refresh();
          })
        }
      >
        {pending ? pendingLabel : label}
      </button>
      <span role="status" aria-live="polite" className={said && !said.ok ? "field-error" : "visually-hidden"}>
        {said?.text ?? ""}
      </span>
    </span>
  );
}
