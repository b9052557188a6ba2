"use client";

import { useEffect, type RefObject } from "react";
import type { PurchaseStatus, PurchaseView } from "@/lib/contracts/purchase";
import { formatCount, formatDuration, formatRelative } from "@/lib/contracts/format";
import { useNow } from "@/app/_components/use-now";
import type { BuyerEvent } from "@/lib/contracts/event";

export type LeaveState = { pending: boolean; error: string | null };
/** A confirm or release of a hold on its way (which one), and the last refusal. */
export type HoldActionState = { pending: "confirm" | "cancel" | null; error: string | null };

// The sale's own state is said above the card; this says what it means for the buyer's place.
const QUEUED_HINT: Record<BuyerEvent["status"], string> = {
  IDLE: "Your place is kept until sales open. You can close this page and come back to this address.",
  RUNNING: "Tickets go to the queue in order as they are released. You can close this page and come back to this address.",
  STOPPED: "Your place is kept while sales are paused. You can close this page and come back to this address.",
  SOLD_OUT: "The last tickets are gone: your place in line is being answered.",
};

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" });

/** One purchase, followed live: its status word (as the API says it), what it means, and what can be done. */
export function PurchaseCard({
  purchase,
  eventStatus,
  ticketsLeft,
  headingRef,
  trouble,
  leave,
  onLeave,
  hold,
  onConfirm,
  onRelease,
  onHoldRanOut,
}: {
  purchase: PurchaseView;
  eventStatus: BuyerEvent["status"];
  ticketsLeft: number;
  headingRef: RefObject<HTMLHeadingElement | null>;
  trouble: boolean;
  leave: LeaveState;
  onLeave: () => void;
  hold: HoldActionState;
  onConfirm: () => void;
  onRelease: () => void;
  onHoldRanOut: () => void;
}) {
  const p = purchase;
  const tickets = `${formatCount(p.quantity)} ${p.quantity === 1 ? "ticket" : "tickets"}`;
  return (
    <section className={`card purchase purchase-${p.status.toLowerCase().replace("_", "-")}`} aria-labelledby="purchase-heading" data-testid="purchase">
      <h2 id="purchase-heading" ref={headingRef} tabIndex={-1}>
        Your purchase
      </h2>
      <div className="purchase-status" data-testid="purchase-status" data-status={p.status}>
        <PurchasePill status={p.status} />
        <p className="purchase-headline">
          <Headline purchase={p} />
        </p>
      </div>
      <p className="purchase-meta muted">
        {tickets} for <strong className="purchase-buyer">{p.buyer}</strong>
        <Joined at={p.requestedAt} />
      </p>

      {p.status === "QUEUED" ? (
        <>
          <p className="purchase-hint">{QUEUED_HINT[eventStatus]}</p>
          {trouble ? (
            <p className="purchase-trouble" data-testid="purchase-trouble">
              Checking your place is taking longer than usual — still trying.
            </p>
          ) : null}
          <div className="purchase-actions">
            <button type="button" className="button" onClick={onLeave} disabled={leave.pending}>
              {leave.pending ? "Leaving…" : "Leave the queue"}
            </button>
          </div>
        </>
      ) : null}
      {leave.error ? (
        <p className="field-error" role="alert" data-testid="leave-error">
          {leave.error}
        </p>
      ) : null}

      {p.status === "HELD" ? (
        <>
          <TicketList ids={p.ticketIds} />
          {p.holdExpiresAt ? <Countdown until={p.holdExpiresAt} onRanOut={onHoldRanOut} /> : null}
          <div className="purchase-actions">
            <button type="button" className="button button-primary" onClick={onConfirm} disabled={hold.pending !== null}>
              {hold.pending === "confirm" ? "Confirming…" : "Confirm"}
            </button>
            <button type="button" className="button" onClick={onRelease} disabled={hold.pending !== null}>
              {hold.pending === "cancel" ? "Releasing…" : "Release"}
            </button>
          </div>
        </>
      ) : null}
      {hold.error && (p.status === "HELD" || p.status === "EXPIRED" || p.status === "COMPLETED") ? (
        <p className="field-error" role="alert" data-testid="hold-error">
          {hold.error}
        </p>
      ) : null}
      {p.status === "EXPIRED" ? (
        <p className="purchase-hint" data-testid="hold-expired">
          Your hold expired before it was confirmed, so the tickets went back to the queue for other buyers. Nothing was charged. You can join the queue again below.
        </p>
      ) : null}

      {p.status === "COMPLETED" ? (
        <>
          <h3 className="tickets-heading" id="tickets-heading">
            Your ticket {p.ticketIds.length === 1 ? "number" : "numbers"}
          </h3>
          <ul className="ticket-list" aria-labelledby="tickets-heading" data-testid="purchase-tickets">
            {p.ticketIds.map((id) => (
              <li key={id} className="ticket-chip">
                <span aria-hidden="true">#</span>
                {id}
              </li>
            ))}
          </ul>
          {p.waitedMs !== null ? (
            <p className="purchase-hint" data-testid="purchase-waited">
              You waited {formatDuration(p.waitedMs)} in line.
            </p>
          ) : null}
        </>
      ) : null}
      {p.status === "CANCELLED" ? <p className="purchase-hint">No tickets were charged.</p> : null}
      {p.status === "SOLD_OUT" && ticketsLeft > 0 && ticketsLeft < p.quantity ? (
        <p className="purchase-hint">
          Only {formatCount(ticketsLeft)} {ticketsLeft === 1 ? "ticket is" : "tickets are"} left — fewer than you asked for. You can join the queue again for fewer.
        </p>
      ) : null}
    </section>
  );
}

const PILL_CLASS: Record<PurchaseStatus, string> = {
  QUEUED: "pill-p-queued",
  COMPLETED: "pill-p-completed",
  SOLD_OUT: "pill-p-sold-out",
  CANCELLED: "pill-p-cancelled",
  HELD: "pill-p-queued",
  EXPIRED: "pill-p-cancelled",
};

function TicketList({ ids }: { ids: number[] }) {
  return (
    <>
      <h3 className="tickets-heading" id="held-tickets-heading">
        Held for you: ticket {ids.length === 1 ? "number" : "numbers"}
      </h3>
      <ul className="ticket-list" aria-labelledby="held-tickets-heading" data-testid="held-tickets">
        {ids.map((id) => (
          <li key={id} className="ticket-chip">
            <span aria-hidden="true">#</span>
            {id}
          </li>
        ))}
      </ul>
    </>
  );
}

/** Time left on the hold, by this browser's clock, every second; at zero the page asks the server (which expires it). */
function Countdown({ until, onRanOut }: { until: string; onRanOut: () => void }) {
  const now = useNow();
  const left = now === null ? null : Math.max(0, Date.parse(until) - now);
  const ranOut = left !== null && left <= 0;
  useEffect(() => {
    if (ranOut) onRanOut();
  }, [ranOut, onRanOut]);
  if (left === null) return null;
  const seconds = Math.ceil(left / 1000);
  const text = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
  return (
    <p className="purchase-hint hold-countdown" data-testid="hold-countdown">
      {ranOut ? (
        <>Your hold has run out — checking…</>
      ) : (
        <>
          Confirm within <strong><time dateTime={`PT${seconds}S`}>{text}</time></strong> (min:s), or the tickets go back to the queue at {timeFormat.format(new Date(until))}.
        </>
      )}
    </p>
  );
}

function PurchasePill({ status }: { status: PurchaseStatus }) {
  return <span className={`pill ${PILL_CLASS[status]}`}>{status}</span>;
}

function Headline({ purchase: p }: { purchase: PurchaseView }) {
  switch (p.status) {
    case "QUEUED":
      return p.position !== null ? (
        <>
          Waiting in line — you are <strong data-testid="purchase-position">#{formatCount(p.position)}</strong>
        </>
      ) : (
        <>Waiting in line</>
      );
    case "COMPLETED":
      return (
        <>
          You have {formatCount(p.ticketIds.length)} {p.ticketIds.length === 1 ? "ticket" : "tickets"}
        </>
      );
    case "SOLD_OUT":
      return <>Sold out — no tickets were charged</>;
    case "CANCELLED":
      return p.mode === "hold" ? <>You released your hold</> : <>You left the queue</>;
    case "HELD":
      return (
        <>
          {formatCount(p.ticketIds.length)} {p.ticketIds.length === 1 ? "ticket is" : "tickets are"} held for you — confirm to buy
        </>
      );
    case "EXPIRED":
      return <>Your hold expired</>;
  }
}

function Joined({ at }: { at: string }) {
  const now = useNow();
  // Local time only in the browser: the server does not know the buyer's time zone.
  if (now === null) return null;
  return (
    <>
      {" "}
      · joined at <time dateTime={at}>{timeFormat.format(new Date(at))}</time> ({formatRelative(at, now)})
    </>
  );
}
