import { addCustomer } from "@/lib/events/actors";
import { eventIdParam, json, parse, readJson, requireAdminRequest, route } from "@/lib/http";
import { addCustomerSchema } from "@/lib/validation/actor";

export const dynamic = "force-dynamic";

export const POST = route(async (req, ctx: { params: Promise<{ id: string }> }) => {
  requireAdminRequest(req);
  const eventId = await eventIdParam(ctx);
  return json(await addCustomer(eventId, parse(addCustomerSchema, await readJson(req))), 201);
});
