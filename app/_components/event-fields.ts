import { LIMITS } from "@/lib/contracts/event-input";
import { formatCount } from "@/lib/contracts/format";

// The create-event form's fields: the names are the API's names (DESIGN §2), the labels carry
// their units, and the defaults make a sale that visibly runs for a few minutes.

export type EventFieldName =
  | "name"
  | "totalTickets"
  | "maxTicketCapacity"
  | "ticketReleaseRate"
  | "customerRetrievalRate"
  | "vendors"
  | "customers"
  | "vipCustomers"
  | "maxTicketsPerBuyer"
  | "holdSeconds"
  | "holdAbandonPercent"
  | "holdConfirmSeconds";

export type EventField = {
  name: EventFieldName;
  label: string;
  unit?: string;
  hint: string;
  defaultValue: string;
  /** Numbers are typed into text inputs (inputmode numeric/decimal): "5,000" is accepted, and
   *  anything else gets the server's message next to the field rather than a browser bubble. */
  kind: "text" | "integer" | "rate";
  required: boolean;
};

export const EVENT_FIELDS: readonly EventField[] = [
  { name: "name", label: "Event name", hint: `What operators and buyers see; up to ${LIMITS.name.max} characters.`, defaultValue: "Spring concert", kind: "text", required: true },
  {
    name: "totalTickets",
    label: "Total tickets",
    unit: "tickets",
    hint: `All vendors together, over the whole sale; ${formatCount(LIMITS.totalTickets.min)} – ${formatCount(LIMITS.totalTickets.max)}.`,
    defaultValue: "5,000",
    kind: "integer",
    required: true,
  },
  {
    name: "maxTicketCapacity",
    label: "Max ticket capacity",
    unit: "tickets",
    hint: "Most tickets in the pool at one moment; at most the total.",
    defaultValue: "100",
    kind: "integer",
    required: true,
  },
  {
    name: "ticketReleaseRate",
    label: "Ticket release rate",
    unit: "tickets/s per vendor",
    hint: `How fast each vendor releases; ${LIMITS.rate.min} – ${formatCount(LIMITS.rate.max)}.`,
    defaultValue: "50",
    kind: "rate",
    required: true,
  },
  {
    name: "customerRetrievalRate",
    label: "Customer retrieval rate",
    unit: "tickets/s per customer",
    hint: `How fast each customer tries to buy; ${LIMITS.rate.min} – ${formatCount(LIMITS.rate.max)}.`,
    defaultValue: "10",
    kind: "rate",
    required: true,
  },
  { name: "vendors", label: "Vendors", unit: "count", hint: `Simulated vendors to start with; 0 – ${formatCount(LIMITS.vendors.max)}.`, defaultValue: "10", kind: "integer", required: false },
  { name: "customers", label: "Customers", unit: "count", hint: `Simulated customers to start with; 0 – ${formatCount(LIMITS.customers.max)}.`, defaultValue: "50", kind: "integer", required: false },
  { name: "vipCustomers", label: "VIP customers", unit: "of the customers", hint: "Served before regular customers whenever both wait.", defaultValue: "5", kind: "integer", required: false },
  {
    name: "maxTicketsPerBuyer",
    label: "Tickets per buyer",
    unit: "tickets, optional",
    hint: "Most tickets one buyer may hold, queued or bought; leave blank for no limit.",
    defaultValue: "",
    kind: "integer",
    required: false,
  },
  {
    name: "holdSeconds",
    label: "Hold time",
    unit: "seconds",
    hint: `How long a checkout hold keeps its tickets before they return to the pool; ${formatCount(LIMITS.holdSeconds.min)} – ${formatCount(LIMITS.holdSeconds.max)}.`,
    defaultValue: String(LIMITS.holdSeconds.default),
    kind: "integer",
    required: false,
  },
  {
    name: "holdAbandonPercent",
    label: "Holds abandoned",
    unit: "%",
    hint: `Chance a simulated customer abandons its hold, ${LIMITS.holdAbandonPercent.min} – ${LIMITS.holdAbandonPercent.max}: its tickets return to the queue when the hold expires. Above 0, or with a time to confirm, simulated customers hold before they buy; both 0, they buy at once.`,
    defaultValue: String(LIMITS.holdAbandonPercent.default),
    kind: "integer",
    required: false,
  },
  {
    name: "holdConfirmSeconds",
    label: "Time to confirm",
    unit: "seconds",
    hint: "How long a simulated customer who keeps its hold takes to confirm it; less than the hold time.",
    defaultValue: String(LIMITS.holdConfirmSeconds.default),
    kind: "integer",
    required: false,
  },
];

export const NUMBER_FIELDS: readonly EventFieldName[] = EVENT_FIELDS.filter((f) => f.kind !== "text").map((f) => f.name);

export type EventFormValues = Record<EventFieldName, string>;

export const DEFAULT_EVENT_VALUES = Object.fromEntries(EVENT_FIELDS.map((f) => [f.name, f.defaultValue])) as EventFormValues;
