import { runQuerySchema } from "@/lib/contracts/history";
import { runSummaries } from "@/lib/history/runs";
import { parseQuery } from "@/lib/server/history-http";
import { eventIdParam, json, route } from "@/lib/server/route";

export const dynamic = "force-dynamic";

// Every run of the event (or ?run=n), summarised: start, end, duration, time to sell out, sale
// rates, waits per class, actors, the configuration it started with, the forecast's error.
export const GET = route(async (req, ctx: { params: Promise<{ id: string }> }) => {
  const eventId = await eventIdParam(ctx);
  const q = parseQuery(runQuerySchema, req);
  return json({ runs: await runSummaries(eventId, q.run) });
});
