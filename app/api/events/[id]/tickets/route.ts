import { exportQuerySchema, TICKET_COLUMNS } from "@/lib/contracts/history";
import { ticketExport } from "@/lib/history/exports";
import { download, parseQuery } from "@/lib/server/history-http";
import { eventIdParam, route } from "@/lib/server/route";

export const dynamic = "force-dynamic";

// One row per ticket (id, run, vendor, released at, purchase, buyer, VIP, sold at), streamed;
// ?run=n for one run, ?format=json|csv|ndjson (json by default).
export const GET = route(async (req, ctx: { params: Promise<{ id: string }> }) => {
  const eventId = await eventIdParam(ctx);
  const q = parseQuery(exportQuerySchema, req);
  const name = `event-${eventId}-tickets${q.run !== undefined ? `-run-${q.run}` : ""}`;
  return download(q.format ?? "json", name, TICKET_COLUMNS, await ticketExport(eventId, q.run));
});
