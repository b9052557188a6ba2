import { createEvent } from "@/lib/events/create";
import { getEventView, listEvents } from "@/lib/events/view";
import { json, parse, readJson, requireAdminRequest, route } from "@/lib/server/route";
import { createEventSchema } from "@/lib/contracts/event-input";

export const dynamic = "force-dynamic";

export const GET = route(async () => json({ events: await listEvents() }));

export const POST = route(async (req) => {
  requireAdminRequest(req);
  const input = parse(createEventSchema, await readJson(req));
  const id = await createEvent(input);
  return json(await getEventView(id), 201, { location: `/api/events/${id}` });
});
