import { z } from "zod";
import { formatCount as fmt } from "./format";

// The rules for an event's numbers (DESIGN §2), one source for the API, the form and the types.
export const LIMITS = {
  name: { max: 120 },
  totalTickets: { min: 1, max: 1_000_000 },
  rate: { min: 0.1, max: 10_000 },
  vendors: { max: 500 },
  customers: { max: 1_000 },
  /** How long a checkout hold keeps its tickets (issue 18). */
  holdSeconds: { min: 30, max: 3_600, default: 600 },
  /** The chance a simulated customer abandons its hold, in whole %. */
  holdAbandonPercent: { min: 0, max: 100, default: 0 },
  /** Seconds a simulated customer takes to confirm a hold it keeps; always less than holdSeconds. */
  holdConfirmSeconds: { min: 0, max: 3_599, default: 0 },
} as const;

const name = z
  .string({ error: "name is required: give the event a name" })
  .trim()
  .min(1, "name is required: give the event a name")
  .max(LIMITS.name.max, `name must be at most ${LIMITS.name.max} characters`);

const wholeNumber = (field: string, min: number, max: number, unit: string) =>
  z
    .number({ error: `${field} must be a number of ${unit}` })
    .int(`${field} must be a whole number of ${unit}`)
    .min(min, `${field} must be at least ${fmt(min)} ${min === 1 ? unit.replace(/s$/, "") : unit}`)
    .max(max, `${field} must be at most ${fmt(max)} ${unit}`);

const rate = (field: string) =>
  z
    .number({ error: `${field} must be a number of tickets/s` })
    .refine(Number.isFinite, `${field} must be a finite number of tickets/s`)
    .min(LIMITS.rate.min, `${field} must be at least ${LIMITS.rate.min} tickets/s`)
    .max(LIMITS.rate.max, `${field} must be at most ${fmt(LIMITS.rate.max)} tickets/s`);

export const eventNumbersShape = {
  totalTickets: wholeNumber("totalTickets", LIMITS.totalTickets.min, LIMITS.totalTickets.max, "tickets"),
  maxTicketCapacity: wholeNumber("maxTicketCapacity", 1, LIMITS.totalTickets.max, "tickets"),
  ticketReleaseRate: rate("ticketReleaseRate"),
  customerRetrievalRate: rate("customerRetrievalRate"),
};

export const createEventSchema = z
  .object({
    name,
    ...eventNumbersShape,
    vendors: wholeNumber("vendors", 0, LIMITS.vendors.max, "vendors").default(0),
    customers: wholeNumber("customers", 0, LIMITS.customers.max, "customers").default(0),
    vipCustomers: wholeNumber("vipCustomers", 0, LIMITS.customers.max, "customers").default(0),
    maxTicketsPerBuyer: wholeNumber("maxTicketsPerBuyer", 1, LIMITS.totalTickets.max, "tickets").nullable().optional(),
    holdSeconds: wholeNumber("holdSeconds", LIMITS.holdSeconds.min, LIMITS.holdSeconds.max, "seconds").default(LIMITS.holdSeconds.default),
    holdAbandonPercent: wholeNumber("holdAbandonPercent", LIMITS.holdAbandonPercent.min, LIMITS.holdAbandonPercent.max, "%").default(LIMITS.holdAbandonPercent.default),
    holdConfirmSeconds: wholeNumber("holdConfirmSeconds", LIMITS.holdConfirmSeconds.min, LIMITS.holdConfirmSeconds.max, "seconds").default(LIMITS.holdConfirmSeconds.default),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.maxTicketCapacity > v.totalTickets) {
      ctx.addIssue({
        code: "custom",
        path: ["maxTicketCapacity"],
        message: `maxTicketCapacity (${fmt(v.maxTicketCapacity)}) cannot exceed totalTickets (${fmt(v.totalTickets)})`,
      });
    }
    if (v.holdConfirmSeconds >= v.holdSeconds) {
      ctx.addIssue({
        code: "custom",
        path: ["holdConfirmSeconds"],
        message: `holdConfirmSeconds (${fmt(v.holdConfirmSeconds)} s) must be less than the hold time, holdSeconds (${fmt(v.holdSeconds)} s): a customer confirming later would always find the hold expired`,
      });
    }
    if (v.vipCustomers > v.customers) {
      ctx.addIssue({
        code: "custom",
        path: ["vipCustomers"],
        message: `vipCustomers (${fmt(v.vipCustomers)}) cannot exceed customers (${fmt(v.customers)})`,
      });
    }
  });

export type CreateEventInput = z.infer<typeof createEventSchema>;

/** Form fields arrive as strings: blank means "not given", anything else must be a number. */
export function numbersFromForm(form: FormData, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const raw = form.get(f);
    if (typeof raw !== "string" || raw.trim() === "") continue;
    const n = Number(raw.trim().replace(/[,_\s]/g, ""));
    out[f] = Number.isNaN(n) ? raw : n;
  }
  return out;
}


/** `{ field: "first message" }` for inline errors next to form fields and in API details. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join(".") : "_";
    out[key] ??= issue.message;
  }
  return out;
}
