import { parseId } from "@/lib/contracts/ids";
import { webhookPatchSchema } from "@/lib/contracts/webhook";
import { deleteWebhook, getWebhook, setWebhookDisabled } from "@/lib/webhooks/endpoints";
import { eventIdParam, json, parse, readJson, requireAdminRequest, route } from "@/lib/server/route";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ id: string; wid: string }> };

const target = async (ctx: Ctx) => ({ eventId: await eventIdParam(ctx), endpointId: parseId((await ctx.params).wid, "webhook endpoint") });

export const GET = route(async (req, ctx: Ctx) => {
  await requireAdminRequest(req);
  const { eventId, endpointId } = await target(ctx);
  return json(await getWebhook(eventId, endpointId));
});

/** Disable or enable: `{ "disabled": true | false }`. */
export const PATCH = route(async (req, ctx: Ctx) => {
  await requireAdminRequest(req);
  const { eventId, endpointId } = await target(ctx);
  const { disabled } = parse(webhookPatchSchema, await readJson(req));
  return json(await setWebhookDisabled(eventId, endpointId, disabled));
});

/** Deletes the endpoint and its deliveries; a second delete is a 404. */
export const DELETE = route(async (req, ctx: Ctx) => {
  await requireAdminRequest(req);
  const { eventId, endpointId } = await target(ctx);
  return json(await deleteWebhook(eventId, endpointId));
});
