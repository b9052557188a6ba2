import { runQuerySchema } from "@/lib/contracts/history";
import { runAnalytics } from "@/lib/history/analytics";
import { parseQuery } from "@/lib/server/history-http";
import { eventIdParam, json, route } from "@/lib/server/route";

export const dynamic = "force-dynamic";

// The charts' data for the current run (or ?run=n): aggregates by time bucket, computed in MySQL.
export const GET = route(async (req, ctx: { params: Promise<{ id: string }> }) => {
  const eventId = await eventIdParam(ctx);
  const q = parseQuery(runQuerySchema, req);
  return json(await runAnalytics(eventId, q.run));
});
