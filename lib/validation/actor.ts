import { z } from "zod";
import { count } from "@/lib/format";
import { LIMITS } from "./event";

const name = z
  .string({ error: "name is required: give the actor a name" })
  .trim()
  .min(1, "name is required: give the actor a name")
  .max(LIMITS.name.max, `name must be at most ${LIMITS.name.max} characters`);

const rate = (field: string) =>
  z
    .number({ error: `${field} must be a number of tickets/s` })
    .min(LIMITS.rate.min, `${field} must be at least ${LIMITS.rate.min} tickets/s`)
    .max(LIMITS.rate.max, `${field} must be at most ${count(LIMITS.rate.max)} tickets/s`)
    .optional();

export const addVendorSchema = z.object({ name, ticketReleaseRate: rate("ticketReleaseRate") }).strict();

export const addCustomerSchema = z
  .object({ name, vip: z.boolean({ error: "vip must be true or false" }).default(false), customerRetrievalRate: rate("customerRetrievalRate") })
  .strict();

export type AddVendorInput = z.infer<typeof addVendorSchema>;
export type AddCustomerInput = z.infer<typeof addCustomerSchema>;
