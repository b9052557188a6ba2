import { z } from "zod";
import { LIMITS } from "./event-input";
import { formatCount } from "./format";

const name = z
  .string({ error: "name is required: give the actor a name" })
  .trim()
  .min(1, "name is required: give the actor a name")
  .max(LIMITS.name.max, `name must be at most ${LIMITS.name.max} characters`);

const rate = (field: string) =>
  z
    .number({ error: `${field} must be a number of tickets/s` })
    .min(LIMITS.rate.min, `${field} must be at least ${LIMITS.rate.min} tickets/s`)
    .max(LIMITS.rate.max, `${field} must be at most ${formatCount(LIMITS.rate.max)} tickets/s`)
    .optional();

export const addVendorSchema = z.object({ name, ticketReleaseRate: rate("ticketReleaseRate") }).strict();

export const addCustomerSchema = z
  .object({ name, vip: z.boolean({ error: "vip must be true or false" }).default(false), customerRetrievalRate: rate("customerRetrievalRate") })
  .strict();

export type AddVendorInput = z.infer<typeof addVendorSchema>;
export type AddCustomerInput = z.infer<typeof addCustomerSchema>;

/** A vendor or customer to add, whatever its kind: `rate` is its own tickets/s, or null for the event's default. */
export type NewActor = { name: string; vip: boolean; rate: number | null };

/** The body of "add a vendor" / "add a customer", as one shape. */
export const newActorSchema = {
  vendor: addVendorSchema.transform((v): NewActor => ({ name: v.name, vip: false, rate: v.ticketReleaseRate ?? null })),
  customer: addCustomerSchema.transform((c): NewActor => ({ name: c.name, vip: c.vip, rate: c.customerRetrievalRate ?? null })),
} as const;

/** The form field of each kind's own rate. */
export const RATE_FIELD = { vendor: "ticketReleaseRate", customer: "customerRetrievalRate" } as const;
