import { newWebhookSchema } from "@/lib/contracts/webhook";
import { createWebhook, listWebhooks } from "@/lib/webhooks/endpoints";
import { eventIdParam, json, parse, readJson, requireAdminRequest, route } from "@/lib/server/route";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ id: string }> };

/** The names this app was reached by: a webhook to one of them would call the app itself. */
function appHosts(req: Request): string[] {
  return [req.headers.get("host") ?? "", new URL(req.url).host].filter(Boolean);
}

/** Every endpoint of the event with its newest deliveries (secrets are never listed). */
export const GET = route(async (req, ctx: Ctx) => {
  await requireAdminRequest(req);
  return json({ endpoints: await listWebhooks(await eventIdParam(ctx)) });
});

/** Adds an endpoint: `{ url, events: [...], description? }` → 201 with its secret, shown this once. */
export const POST = route(async (req, ctx: Ctx) => {
  await requireAdminRequest(req);
  const eventId = await eventIdParam(ctx);
  const endpoint = await createWebhook(eventId, parse(newWebhookSchema, await readJson(req)), appHosts(req));
  return json(endpoint, 201, { location: `/api/events/${eventId}/webhooks/${endpoint.id}` });
});
