import type { EventView } from "@/lib/events/view";

/** What the buyer page shows of an event: nothing of the operator's (no actors, no log, no rates). */
export type BuyerEvent = {
  id: number;
  name: string;
  status: EventView["status"];
  totalTickets: number;
  /** Tickets still to be bought: in the pool now or not yet released (total − sold). */
  ticketsLeft: number;
  maxTicketCapacity: number;
  maxTicketsPerBuyer: number | null;
};

export function toBuyerEvent(event: EventView): BuyerEvent {
  return {
    id: event.id,
    name: event.name,
    status: event.status,
    totalTickets: event.totalTickets,
    ticketsLeft: Math.max(0, event.totalTickets - event.sold),
    maxTicketCapacity: event.maxTicketCapacity,
    maxTicketsPerBuyer: event.maxTicketsPerBuyer,
  };
}

export function isSoldOut(event: BuyerEvent): boolean {
  return event.status === "SOLD_OUT" || event.ticketsLeft === 0;
}
