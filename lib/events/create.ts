import "server-only";
import type { EventView } from "@/lib/contracts/event";
import { LIMITS, type CreateEventInput } from "@/lib/contracts/event-input";
import { formatCount as count } from "@/lib/contracts/format";
import { db } from "@/lib/db/client";
import { appendLogs, logRow } from "@/lib/log/append";
import { getEventView } from "./view";

/** Creates the event with its starting vendors and customers (the first `vipCustomers` are VIP). */
export async function createEvent(input: Omit<CreateEventInput, "holdSeconds" | "holdAbandonPercent" | "holdConfirmSeconds"> & Partial<Pick<CreateEventInput, "holdSeconds" | "holdAbandonPercent" | "holdConfirmSeconds">>): Promise<number> {
  return db().$transaction(async (tx) => {
    const ev = await tx.event.create({
      data: {
        name: input.name,
        totalTickets: input.totalTickets,
        maxTicketCapacity: input.maxTicketCapacity,
        ticketReleaseRate: input.ticketReleaseRate,
        customerRetrievalRate: input.customerRetrievalRate,
        maxTicketsPerBuyer: input.maxTicketsPerBuyer ?? null,
        holdSeconds: input.holdSeconds ?? LIMITS.holdSeconds.default,
        holdAbandonPercent: input.holdAbandonPercent ?? LIMITS.holdAbandonPercent.default,
        holdConfirmSeconds: input.holdConfirmSeconds ?? LIMITS.holdConfirmSeconds.default,
      },
    });
    if (input.vendors > 0) {
      await tx.vendor.createMany({ data: Array.from({ length: input.vendors }, (_, i) => ({ eventId: ev.id, name: `Vendor ${i + 1}` })) });
    }
    if (input.customers > 0) {
      const regular = input.customers - input.vipCustomers;
      await tx.customer.createMany({
        data: [
          ...Array.from({ length: input.vipCustomers }, (_, i) => ({ eventId: ev.id, name: `VIP customer ${i + 1}`, vip: true })),
          ...Array.from({ length: regular }, (_, i) => ({ eventId: ev.id, name: `Customer ${i + 1}`, vip: false })),
        ],
      });
    }
    const message = `Event created: ${count(input.totalTickets)} tickets, pool of ${count(input.maxTicketCapacity)}, ${count(input.vendors)} vendors, ${count(input.customers)} customers (${count(input.vipCustomers)} VIP)`;
    await appendLogs(tx, [logRow({ eventId: ev.id, run: ev.run }, { released: 0, sold: 0, available: 0 }, { kind: "CREATED", actor: "operator", message })]);
    return ev.id;
  });
}

/** Creates the event and answers with it as the API shows it (201 body of POST /api/events). */
export async function createEventView(input: CreateEventInput): Promise<EventView> {
  return getEventView(await createEvent(input));
}
