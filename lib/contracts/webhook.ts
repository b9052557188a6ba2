import { z } from "zod";
import { AppError } from "./errors";

// Webhooks as the API, the page and the receivers see them (issue 18): the event types, the
// body that adds an endpoint, and the views of endpoints and deliveries. Client-safe.

/** Every type an endpoint may subscribe to. `purchase.cancelled` is a released hold; a QUEUED purchase leaving the line sends nothing. */
export const WEBHOOK_EVENT_TYPES = ["purchase.completed", "purchase.held", "hold.expired", "purchase.cancelled", "event.started", "event.stopped", "event.sold_out"] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
/** Types that nothing sends yet (none: checkout holds send the hold types). */
export const NOT_YET_SENT: readonly WebhookEventType[] = [];

export const WEBHOOK_URL_MAX = 2_000;

const known = new Set<string>(WEBHOOK_EVENT_TYPES);

const url = z
  .string({ error: "url is required: the http(s) address that receives the webhooks" })
  .trim()
  .min(1, "url is required: the http(s) address that receives the webhooks")
  .max(WEBHOOK_URL_MAX, `url must be at most ${WEBHOOK_URL_MAX.toLocaleString("en-US")} characters`)
  .refine((u) => {
    try {
      const p = new URL(u);
      return p.protocol === "http:" || p.protocol === "https:";
    } catch {
      return false;
    }
  }, "url must be an absolute http:// or https:// address")
  .refine((u) => {
    try {
      const p = new URL(u);
      return p.username === "" && p.password === "";
    } catch {
      return true;
    }
  }, "url must not carry a user name or password");

const events = z
  .array(z.string({ error: "events must be a list of event type names" }), { error: `events must be a list of event types: ${WEBHOOK_EVENT_TYPES.join(", ")}` })
  .min(1, "events must name at least one event type")
  .max(WEBHOOK_EVENT_TYPES.length * 2, "events lists too many types")
  .superRefine((list, ctx) => {
    const unknown = list.filter((t) => !known.has(t));
    if (unknown.length) ctx.addIssue({ code: "custom", message: `Unknown event type ${JSON.stringify(unknown[0]).slice(0, 60)}; the types are ${WEBHOOK_EVENT_TYPES.join(", ")}` });
  })
  .transform((list) => WEBHOOK_EVENT_TYPES.filter((t) => list.includes(t)));

export const newWebhookSchema = z
  .object({
    url,
    events,
    description: z.string({ error: "description must be text" }).trim().max(200, "description must be at most 200 characters").optional(),
  })
  .strict();
export type NewWebhookInput = z.infer<typeof newWebhookSchema>;

export const webhookPatchSchema = z.object({ disabled: z.boolean({ error: "disabled must be true or false" }) }).strict();

export type WebhookDeliveryStatus = "PENDING" | "DELIVERED" | "FAILED";

export type WebhookDeliveryView = {
  id: string;
  /** The `webhook-id` header: the same on every attempt, for the receiver's deduplication. */
  webhookId: string;
  type: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  lastAttemptAt: string | null;
  /** When the next attempt is due (PENDING only). */
  nextAttemptAt: string | null;
  deliveredAt: string | null;
};

export type WebhookEndpointView = {
  id: number;
  eventId: number;
  url: string;
  description: string | null;
  events: WebhookEventType[];
  disabled: boolean;
  disabledAt: string | null;
  disabledReason: string | null;
  createdAt: string;
  /** The newest deliveries, newest first. */
  deliveries: WebhookDeliveryView[];
};

/** The answer to adding an endpoint: the only time its secret is shown. */
export type NewWebhookEndpoint = WebhookEndpointView & { secret: string };

/** A delivery id from a URL (a BIGINT); anything else is a 404. */
export function parseDeliveryId(value: unknown): bigint {
  if (typeof value === "string" && /^[1-9]\d{0,18}$/.test(value) && BigInt(value) <= 9_223_372_036_854_775_807n) return BigInt(value);
  throw new AppError("not_found", `There is no webhook delivery with id ${JSON.stringify(value ?? null).slice(0, 40)}`);
}
