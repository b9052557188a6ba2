import { z } from "zod";
import { LIMITS } from "./event-input";

export const MAX_QUANTITY = 10;

export const purchaseRequestSchema = z
  .object({
    buyer: z
      .string({ error: "buyer is required: say who is buying" })
      .trim()
      .min(1, "buyer is required: say who is buying")
      .max(LIMITS.name.max, `buyer must be at most ${LIMITS.name.max} characters`),
    quantity: z
      .number({ error: `quantity must be a number of tickets from 1 to ${MAX_QUANTITY}` })
      .int(`quantity must be a whole number of tickets from 1 to ${MAX_QUANTITY}`)
      .min(1, `quantity must be at least 1 ticket`)
      .max(MAX_QUANTITY, `quantity must be at most ${MAX_QUANTITY} tickets`),
    vip: z.boolean({ error: "vip must be true or false" }).default(false),
    /** "hold": the tickets are held until holdExpiresAt and sold only on confirm (issue 18); "sale" (the default) sells at once. */
    mode: z.enum(["sale", "hold"], { error: 'mode must be "sale" (buy at once, the default) or "hold" (hold the tickets, then confirm)' }).default("sale"),
  })
  .strict();

/** A parsed purchase request; in-process callers may leave `mode` out (an immediate sale). */
export type PurchaseRequest = Omit<z.infer<typeof purchaseRequestSchema>, "mode"> & { mode?: z.infer<typeof purchaseRequestSchema>["mode"] };

/** The body of POST /api/purchases/{pid}/confirm and …/cancel of a hold: the holdToken its purchase's answer gave. */
export const holdActionSchema = z
  .object({
    holdToken: z
      .string({ error: "holdToken is required: send the holdToken the hold's answer gave (only its buyer has it)" })
      .min(1, "holdToken is required: send the holdToken the hold's answer gave (only its buyer has it)")
      .max(100, "holdToken is at most 100 characters: send the holdToken the hold's answer gave"),
  })
  .strict();

/** `Idempotency-Key`: 1–255 visible ASCII characters. */
export const idempotencyKeySchema = z
  .string()
  .regex(/^[\x21-\x7e]{1,255}$/, "Idempotency-Key must be 1–255 visible ASCII characters");

/** `Prefer: wait=N` → how long the request may wait for its tickets, 0–30 s (default 10 s). */
export function waitBudgetMs(prefer: string | null): number {
  const m = /(?:^|[;,\s])wait=(\d+)/i.exec(prefer ?? "");
  if (!m) return 10_000;
  return Math.min(30, Number(m[1])) * 1000;
}
