"use client";

import { useEffect, useRef, useState, useTransition } from "react";
import { resetEventAction, startEventAction, stopEventAction } from "@/app/actions/control-event";
import type { ActionResult } from "@/lib/contracts/action-result";
import type { EventView } from "@/lib/contracts/event";

type Command = "start" | "stop" | "reset";

const ACTIONS: Record<Command, (id: number) => Promise<ActionResult<EventView>>> = {
  start: startEventAction,
  stop: stopEventAction,
  reset: resetEventAction,
};

const PENDING_TEXT: Record<Command, string> = { start: "Starting…", stop: "Stopping…", reset: "Resetting…" };

// A notice belongs to the state it reported on; once the event moves on (sold out, another
// operator's action), it would be stale, so it is no longer shown.
type Notice = { tone: "info" | "error"; text: string; status?: EventView["status"]; run?: number } | null;

export function EventControls({ event, onEvent }: { event: EventView; onEvent: (event: EventView) => void }) {
  const [pending, startTransition] = useTransition();
  const [busy, setBusy] = useState<Command | null>(null);
  const [notice, setNotice] = useState<Notice>(null);
  const dialogRef = useRef<HTMLDialogElement>(null);
  const latest = useRef(event);
  useEffect(() => {
    latest.current = event;
  }, [event]);

  const shown = notice && (notice.status === undefined || (notice.status === event.status && notice.run === event.run)) ? notice : null;
  const canStart = event.status === "IDLE" || event.status === "STOPPED";
  const canStop = event.status === "RUNNING";

  const run = (command: Command) => {
    setBusy(command);
    setNotice({ tone: "info", text: PENDING_TEXT[command] });
    startTransition(async () => {
      let result: ActionResult<EventView>;
      try {
        result = await ACTIONS[command](event.id);
      } catch {
        result = { ok: false, error: "The server could not be reached. The status above shows what is true; try again in a moment." };
      }
      if (result.ok) {
        onEvent(result.data);
        setNotice({ tone: "info", text: result.message ?? "Done.", status: result.data.status, run: result.data.run });
      } else {
        // Tied to the state when the answer came, not when the button was pressed: an error
        // such as "this one is SOLD_OUT" stays up while it is still what the page shows.
        setNotice({ tone: "error", text: result.error, status: latest.current.status, run: latest.current.run });
      }
      setBusy(null);
    });
  };

  const askReset = () => {
    if (event.status === "RUNNING") dialogRef.current?.showModal();
    else run("reset");
  };

  return (
    <div className="controls">
      <div className="control-buttons" role="group" aria-label="Run controls">
        <button type="button" className="button button-primary" onClick={() => run("start")} disabled={pending || !canStart}>
          {busy === "start" ? PENDING_TEXT.start : "Start"}
        </button>
        <button type="button" className="button" onClick={() => run("stop")} disabled={pending || !canStop}>
          {busy === "stop" ? PENDING_TEXT.stop : "Stop"}
        </button>
        <button type="button" className="button button-quiet" onClick={askReset} disabled={pending}>
          {busy === "reset" ? PENDING_TEXT.reset : "Reset"}
        </button>
      </div>
      <p className={`control-notice${shown?.tone === "error" ? " control-notice-error" : ""}`} role="status" aria-live="polite" data-testid="control-status">
        {shown?.text ?? ""}
      </p>
      <dialog ref={dialogRef} className="confirm" aria-labelledby="reset-title" aria-describedby="reset-body">
        <h2 id="reset-title">Reset this running event?</h2>
        <p id="reset-body">
          Sales stop and run {event.run + 1} begins with nothing released or sold. Run {event.run} and its tickets are kept in history.
        </p>
        <div className="confirm-buttons">
          <button type="button" className="button" autoFocus onClick={() => dialogRef.current?.close()}>
            Cancel
          </button>
          <button
            type="button"
            className="button button-danger"
            onClick={() => {
              dialogRef.current?.close();
              run("reset");
            }}
          >
            Reset run
          </button>
        </div>
      </dialog>
    </div>
  );
}
