import { LOG_COLUMNS, logQuerySchema } from "@/lib/contracts/history";
import { logExport, logPage } from "@/lib/history/logs";
import { download, parseQuery } from "@/lib/server/history-http";
import { eventIdParam, json, route } from "@/lib/server/route";

export const dynamic = "force-dynamic";

// A page of the event's log (`nextCursor` leads to the next), or with ?format=csv|ndjson every
// matching row as a download. Filters: kind, actor, vip, run, from, to, text.
export const GET = route(async (req, ctx: { params: Promise<{ id: string }> }) => {
  const eventId = await eventIdParam(ctx);
  const q = parseQuery(logQuerySchema, req);
  if (q.format === "csv" || q.format === "ndjson") {
    const name = `event-${eventId}-logs${q.run !== undefined ? `-run-${q.run}` : ""}`;
    return download(q.format, name, LOG_COLUMNS, await logExport(eventId, q));
  }
  return json(await logPage(eventId, q));
});
