import type { Outcome, QueuedPurchase } from "@/lib/purchases/ledger";
import type { WebhookMessage } from "@/lib/webhooks/outbox";
import type { Place } from "./line";
import type { Plan } from "./plan";

// What a batch tells webhooks: `purchase.completed` for each real buyer's purchase it served
// (with its tickets, in serving order) — `purchase.held` for a checkout hold it served — then
// `event.sold_out` when it sold the last ticket.
// Simulated customers' sales send nothing: at thousands a second they would flood every
// receiver, and they are the simulation's, not anyone's order. Pure: the batch writes these
// to the outbox in its own transaction.

export function webhookMessages(eventId: number, run: number, at: Date, plan: Plan, places: Place[], outcome: Outcome[], real: QueuedPurchase[], moved: bigint[][], totalTickets: number, holdExpiresAt: Date | null = null): WebhookMessage[] {
  const messages: WebhookMessage[] = [];
  const soldTo = new Map<number, bigint[]>();
  plan.moves.forEach((m, i) => {
    if (m.kind === "sell" && places[m.index].kind === "real") soldTo.set(m.index, [...(soldTo.get(m.index) ?? []), ...moved[i]]);
  });
  places.forEach((pl, k) => {
    if (pl.kind !== "real" || outcome[k] !== "COMPLETED") return;
    const p = real[pl.index];
    if (pl.hold && holdExpiresAt) {
      // The hold's token is never in a webhook: it is the buyer's proof, not the shop's.
      messages.push({
        type: "purchase.held",
        at,
        data: { purchaseId: p.publicId, eventId, run, buyer: p.buyer, vip: p.vip, quantity: p.quantity, status: "HELD", ticketIds: (soldTo.get(k) ?? []).map(Number), requestedAt: p.requestedAt.toISOString(), holdExpiresAt: holdExpiresAt.toISOString() },
      });
      return;
    }
    messages.push({
      type: "purchase.completed",
      at,
      data: {
        purchaseId: p.publicId,
        eventId,
        run,
        buyer: p.buyer,
        vip: p.vip,
        quantity: p.quantity,
        status: "COMPLETED",
        ticketIds: (soldTo.get(k) ?? []).map(Number),
        requestedAt: p.requestedAt.toISOString(),
        completedAt: at.toISOString(),
      },
    });
  });
  if (plan.soldOut) messages.push({ type: "event.sold_out", at, data: { eventId, run, totalTickets, sold: plan.after.sold, released: plan.after.released } });
  return messages;
}
