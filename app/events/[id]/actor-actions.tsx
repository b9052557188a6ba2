"use client";

import { useEffect, useRef, useState, useTransition } from "react";
import { removeActorAction, setActorPausedAction } from "@/app/actions/manage-actor";
import type { ActionResult } from "@/lib/contracts/action-result";
import type { ActorKind } from "@/lib/contracts/event";

export type ActorNotice = { tone: "info" | "error"; text: string } | null;

const UNREACHABLE = "the server could not be reached; nothing was changed. Try again in a moment.";

// How long a row waits for the live stream to show a change it was told succeeded, before it
// shows the row as the stream has it again (the stream may be reconnecting).
const STREAM_GRACE_MS = 4_000;

/**
 * Pause / Resume and Remove for one row. The buttons' names carry the actor's name ("Remove
 * Vendor 3"), so each is unambiguous out of its row. After a change succeeds the row shows it
 * at once and keeps the buttons busy until the stream brings the row as changed.
 */
export function ActorActions({
  eventId,
  kind,
  id,
  name,
  paused,
  onNotice,
}: {
  eventId: number;
  kind: ActorKind;
  id: number;
  name: string;
  paused: boolean;
  onNotice: (notice: ActorNotice) => void;
}) {
  const [pending, startTransition] = useTransition();
  const [asked, setAsked] = useState<boolean | null>(null);
  const [removing, setRemoving] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);

  // The stream caught up: the row's own value is the truth again.
  if (asked !== null && asked === paused) setAsked(null);

  useEffect(() => {
    if (asked === null && !removing) return;
    const timer = setTimeout(() => {
      setAsked(null);
      setRemoving(false);
    }, STREAM_GRACE_MS);
    return () => clearTimeout(timer);
  }, [asked, removing]);

  const shownPaused = asked ?? paused;
  const busy = pending || asked !== null || removing;

  // aria-disabled rather than disabled while busy: a disabled button drops the keyboard focus,
  // and the operator pressing Pause should still be on the same button when it says Resume.
  const toggle = () => {
    if (busy) return;
    const want = !shownPaused;
    onNotice({ tone: "info", text: `${want ? "Pausing" : "Resuming"} ${name}…` });
    startTransition(async () => {
      const result = await attempt(() => setActorPausedAction(eventId, kind, id, want));
      if (result.ok) {
        setAsked(result.data.paused);
        onNotice({ tone: "info", text: result.message ?? `${name} ${want ? "paused" : "resumed"}.` });
      } else {
        onNotice({ tone: "error", text: `${name} was not ${want ? "paused" : "resumed"}: ${result.error}` });
      }
    });
  };

  const remove = () => {
    if (busy) return;
    onNotice({ tone: "info", text: `Removing ${name}…` });
    startTransition(async () => {
      const result = await attempt(() => removeActorAction(eventId, kind, id));
      if (result.ok) {
        setRemoving(true);
        onNotice({ tone: "info", text: `${name} removed; what it ${kind === "vendor" ? "released" : "bought"} stays.` });
        // This row is about to go: keep the keyboard in the table rather than lose it to the page.
        rootRef.current?.closest<HTMLElement>(".table-scroll")?.focus();
      } else {
        onNotice({ tone: "error", text: `${name} was not removed: ${result.error}` });
      }
    });
  };

  return (
    <div className="row-actions" ref={rootRef}>
      <button type="button" className="button button-small" onClick={toggle} aria-disabled={busy || undefined} aria-label={`${shownPaused ? "Resume" : "Pause"} ${name}`}>
        {shownPaused ? "Resume" : "Pause"}
      </button>
      <button type="button" className="button button-small button-quiet-danger" onClick={remove} aria-disabled={busy || undefined} aria-label={`Remove ${name}`}>
        {removing ? "Removing…" : "Remove"}
      </button>
    </div>
  );
}

async function attempt<T>(call: () => Promise<ActionResult<T>>): Promise<ActionResult<T>> {
  try {
    return await call();
  } catch {
    return { ok: false, error: UNREACHABLE };
  }
}
