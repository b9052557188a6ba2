import { createEventView } from "@/lib/events/create";
import { listEvents } from "@/lib/events/view";
import { json, parse, readJson, requireAdminRequest, route } from "@/lib/server/route";
import { createEventSchema } from "@/lib/contracts/event-input";

export const dynamic = "force-dynamic";

export const GET = route(async () => json({ events: await listEvents() }));

export const POST = route(async (req) => {
  await requireAdminRequest(req);
  const event = await createEventView(parse(createEventSchema, await readJson(req)));
  return json(event, 201, { location: `/api/events/${event.id}` });
});
