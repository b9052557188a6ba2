"use client";

import { useRouter } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";
import type { PurchaseView } from "@/lib/contracts/purchase";
import { MAX_QUANTITY } from "@/lib/contracts/purchase-input";
import { formatCount } from "@/lib/contracts/format";
import { StatusPill } from "@/app/_components/status-pill";
import { BuyForm } from "./buy-form";
import { isSoldOut, type BuyerEvent } from "@/lib/contracts/event";
import { PurchaseCard, type HoldActionState, type LeaveState } from "./purchase-card";

const POLL_MS = 1_000;
const EVENT_REFRESH_MS = 5_000;

const STATUS_LINE: Record<BuyerEvent["status"], string> = {
  IDLE: "Sales have not started yet. Join the queue now and you are served as soon as they open.",
  RUNNING: "On sale now. Buyers are served in the order they join the queue.",
  STOPPED: "Sales are paused. The queue keeps its order and moves again when sales resume.",
  SOLD_OUT: "The sale is over.",
};

const FORM_HEADING: Record<PurchaseView["status"], string> = {
  QUEUED: "Join the queue",
  COMPLETED: "Buy more tickets",
  SOLD_OUT: "Try again",
  CANCELLED: "Join the queue again",
  HELD: "Buy more tickets",
  EXPIRED: "Join the queue again",
};

/** A hold's token lives in this tab only (sessionStorage): it is the proof that the hold is this buyer's. */
const tokenKey = (purchaseId: string) => `hold-token:${purchaseId}`;
function storedToken(purchaseId: string): string | undefined {
  try {
    return window.sessionStorage.getItem(tokenKey(purchaseId)) ?? undefined;
  } catch {
    return undefined;
  }
}
function storeToken(purchaseId: string, token: string): void {
  try {
    window.sessionStorage.setItem(tokenKey(purchaseId), token);
  } catch {
    // Private mode without storage: the token still lives in this page's state.
  }
}

/** What is said aloud when a purchase changes state; the place in line is on screen, not announced every second. */
function announcementFor(p: PurchaseView): string {
  switch (p.status) {
    case "QUEUED":
      return p.position !== null ? `You are in the queue, number ${p.position}.` : "You are in the queue.";
    case "COMPLETED":
      return `You have ${p.ticketIds.length} ${p.ticketIds.length === 1 ? "ticket" : "tickets"}.`;
    case "SOLD_OUT":
      return "Sold out — no tickets were charged.";
    case "CANCELLED":
      return p.mode === "hold" ? "You released your hold. No tickets were charged." : "You left the queue. No tickets were charged.";
    case "HELD":
      return `${p.ticketIds.length} ${p.ticketIds.length === 1 ? "ticket is" : "tickets are"} held for you. Confirm before the hold expires.`;
    case "EXPIRED":
      return "Your hold expired and the tickets went back to the queue. No tickets were charged.";
  }
}

export function BuyerView({ event, initialPurchase, purchaseMissing }: { event: BuyerEvent; initialPurchase: PurchaseView | null; purchaseMissing: boolean }) {
  const router = useRouter();
  const [purchase, setPurchase] = useState<PurchaseView | null>(initialPurchase);
  const [announcement, setAnnouncement] = useState("");
  const [trouble, setTrouble] = useState(false);
  const [leave, setLeave] = useState<LeaveState>({ pending: false, error: null });
  const [holdToken, setHoldToken] = useState<string | undefined>(initialPurchase?.holdToken);
  const [holdAction, setHoldAction] = useState<HoldActionState>({ pending: null, error: null });
  const headingRef = useRef<HTMLHeadingElement>(null);
  const focusPurchase = useRef(false);
  const soldOut = isSoldOut(event);

  // The purchase as last taken, for comparing in callbacks that outlive a render.
  const current = useRef(purchase);

  /** Takes a newer view of the purchase; a change of state is announced and refreshes the event's numbers. */
  const take = useCallback(
    (next: PurchaseView) => {
      const previous = current.current;
      current.current = next;
      setPurchase(next);
      if (!previous || previous.purchaseId !== next.purchaseId || previous.status !== next.status) {
        setAnnouncement(announcementFor(next));
        if (next.status !== "QUEUED") router.refresh();
      }
    },
    [router],
  );

  const joined = useCallback(
    (next: PurchaseView) => {
      focusPurchase.current = true;
      if (next.holdToken) storeToken(next.purchaseId, next.holdToken);
      setHoldToken(next.holdToken);
      setHoldAction({ pending: null, error: null });
      setLeave({ pending: false, error: null });
      setTrouble(false);
      take(next);
      // Keep the purchase in the address: a reload, or this link opened later, shows it again.
      const url = new URL(window.location.href);
      url.searchParams.set("purchase", next.purchaseId);
      window.history.replaceState(null, "", url);
      router.refresh();
    },
    [take, router],
  );

  useEffect(() => {
    if (!focusPurchase.current || !purchase) return;
    focusPurchase.current = false;
    headingRef.current?.focus();
  }, [purchase]);

  const purchaseId = purchase?.purchaseId;
  // A held purchase is followed too: its expiry (or a confirm from another tab) shows here.
  const queued = purchase?.status === "QUEUED" || purchase?.status === "HELD";

  // Follow a queued or held purchase once a second until it is served, confirmed, sold out, cancelled or expired.
  useEffect(() => {
    if (!purchaseId || !queued) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      try {
        const res = await fetch(`/api/purchases/${encodeURIComponent(purchaseId)}`, { cache: "no-store" });
        if (stopped) return;
        if (res.ok) {
          take((await res.json()) as PurchaseView);
          setTrouble(false);
        } else {
          setTrouble(true);
        }
      } catch {
        if (!stopped) setTrouble(true);
      }
      if (!stopped) timer = setTimeout(tick, POLL_MS);
    };
    timer = setTimeout(tick, POLL_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [purchaseId, queued, take]);

  // Keep "tickets left" and the sale's status current while the page is in view.
  useEffect(() => {
    if (event.status === "SOLD_OUT") return;
    const timer = setInterval(() => {
      if (document.visibilityState === "visible") router.refresh();
    }, EVENT_REFRESH_MS);
    return () => clearInterval(timer);
  }, [event.status, router]);

  const leaveQueue = useCallback(async () => {
    if (!purchaseId) return;
    setLeave({ pending: true, error: null });
    try {
      // A hold waiting in line leaves it with its token too.
      const token = holdToken ?? storedToken(purchaseId);
      const res = await fetch(`/api/purchases/${encodeURIComponent(purchaseId)}/cancel`, { method: "POST", cache: "no-store", headers: { "content-type": "application/json" }, ...(token ? { body: JSON.stringify({ holdToken: token }) } : {}) });
      const body = (await res.json().catch(() => null)) as PurchaseView | { error?: { message?: string } } | null;
      if (res.ok && body && "purchaseId" in body) {
        setLeave({ pending: false, error: null });
        // The button goes with the queued state: the keyboard goes to the purchase's heading.
        focusPurchase.current = true;
        take(body);
        return;
      }
      const message = body && "error" in body && body.error?.message ? body.error.message : "You could not leave the queue just now.";
      setLeave({ pending: false, error: res.status === 409 ? `${message}. Your purchase below shows where it stands.` : message });
      // Most likely it was served a moment ago: show what it is now.
      const again = await fetch(`/api/purchases/${encodeURIComponent(purchaseId)}`, { cache: "no-store" });
      if (again.ok) take((await again.json()) as PurchaseView);
    } catch {
      setLeave({ pending: false, error: "The server could not be reached; you are still in the queue. Try again in a moment." });
    }
  }, [purchaseId, holdToken, take]);

  /** Confirm or release the hold, with its token; the answer is the purchase as it now stands. */
  const endHold = useCallback(
    async (action: "confirm" | "cancel") => {
      if (!purchaseId) return;
      // A page opened from its link finds the hold's token where this tab kept it.
      const token = holdToken ?? storedToken(purchaseId);
      if (!token) {
        setHoldAction({ pending: null, error: "This page does not have the hold's token (it stays in the tab that made the hold), so it cannot confirm or release it." });
        return;
      }
      setHoldAction({ pending: action, error: null });
      try {
        const res = await fetch(`/api/purchases/${encodeURIComponent(purchaseId)}/${action}`, { method: "POST", cache: "no-store", headers: { "content-type": "application/json" }, body: JSON.stringify({ holdToken: token }) });
        const body = (await res.json().catch(() => null)) as PurchaseView | { error?: { message?: string } } | null;
        if (res.ok && body && "purchaseId" in body) {
          setHoldAction({ pending: null, error: null });
          focusPurchase.current = true;
          take(body);
          return;
        }
        const message = body && "error" in body && body.error?.message ? body.error.message : `The hold could not be ${action === "confirm" ? "confirmed" : "released"} just now.`;
        setHoldAction({ pending: null, error: message });
        const again = await fetch(`/api/purchases/${encodeURIComponent(purchaseId)}`, { cache: "no-store" });
        if (again.ok) take((await again.json()) as PurchaseView);
      } catch {
        setHoldAction({ pending: null, error: "The server could not be reached; your hold is unchanged. Try again in a moment." });
      }
    },
    [purchaseId, holdToken, take],
  );

  /** The countdown reached zero: ask the server, which expires the hold (a read does). */
  const holdRanOut = useCallback(async () => {
    if (!purchaseId) return;
    const res = await fetch(`/api/purchases/${encodeURIComponent(purchaseId)}`, { cache: "no-store" }).catch(() => null);
    if (res?.ok) take((await res.json()) as PurchaseView);
  }, [purchaseId, take]);

  const canBuy = !soldOut && (!purchase || (purchase.status !== "QUEUED" && purchase.status !== "HELD"));

  return (
    <div className="buyer">
      <header className="card buyer-event">
        <div className="title-row">
          <h1>{event.name}</h1>
          <StatusPill status={event.status} testId="buy-event-status" />
        </div>
        <p className="muted">{STATUS_LINE[event.status]}</p>
        <dl className="buyer-facts">
          <div className="buyer-fact">
            <dt>Tickets left</dt>
            <dd data-testid="buy-tickets-left">
              {soldOut ? (
                <span className="sold-out-word">Sold out</span>
              ) : (
                <>
                  <span className="buyer-fact-value">{formatCount(event.ticketsLeft)}</span> <span className="unit">of {formatCount(event.totalTickets)} tickets</span>
                </>
              )}
            </dd>
          </div>
          <div className="buyer-fact">
            <dt>Per buyer</dt>
            <dd data-testid="buy-limit">
              {event.maxTicketsPerBuyer === null ? (
                "No limit"
              ) : (
                <>
                  <span className="buyer-fact-value">{formatCount(event.maxTicketsPerBuyer)}</span> <span className="unit">{event.maxTicketsPerBuyer === 1 ? "ticket at most" : "tickets at most"}</span>
                </>
              )}
            </dd>
          </div>
        </dl>
      </header>

      {soldOut ? (
        <p className="card sold-out-banner" data-testid="buy-sold-out">
          <strong>Sold out.</strong> Every ticket of this event has been sold{purchase?.status === "QUEUED" ? "; your place in line is being answered now." : "."}
        </p>
      ) : null}

      {purchaseMissing && !purchase ? (
        <p className="card buyer-note" role="note" data-testid="purchase-missing">
          The purchase in this link was not found for this event. Check the link, or join the queue below.
        </p>
      ) : null}

      {purchase ? <PurchaseCard purchase={purchase} eventStatus={event.status} ticketsLeft={event.ticketsLeft} headingRef={headingRef} trouble={trouble} leave={leave} onLeave={leaveQueue} hold={holdAction} onConfirm={() => void endHold("confirm")} onRelease={() => void endHold("cancel")} onHoldRanOut={() => void holdRanOut()} /> : null}

      {canBuy ? (
        <BuyForm
          eventId={event.id}
          holdSeconds={event.holdSeconds}
          heading={purchase ? FORM_HEADING[purchase.status] : "Join the queue"}
          defaultBuyer={purchase?.buyer ?? ""}
          maxQuantity={maxQuantity(event)}
          limit={event.maxTicketsPerBuyer}
          onJoined={joined}
          onRefused={() => router.refresh()}
        />
      ) : null}

      <p className="visually-hidden" role="status" aria-live="polite" data-testid="buy-announcer">
        {announcement}
      </p>
    </div>
  );
}

function maxQuantity(event: BuyerEvent): number {
  return Math.max(1, Math.min(MAX_QUANTITY, event.maxTicketCapacity, event.maxTicketsPerBuyer ?? MAX_QUANTITY));
}
