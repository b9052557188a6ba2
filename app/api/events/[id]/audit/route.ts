import { runQuerySchema } from "@/lib/contracts/history";
import { auditRun } from "@/lib/history/audit";
import { parseQuery } from "@/lib/server/history-http";
import { eventIdParam, json, route } from "@/lib/server/route";

export const dynamic = "force-dynamic";

// The audit of the current run (or ?run=n), the report `npm run audit` prints: 200 either
// way, `ok` says whether every invariant holds.
export const GET = route(async (req, ctx: { params: Promise<{ id: string }> }) => {
  const eventId = await eventIdParam(ctx);
  const q = parseQuery(runQuerySchema, req);
  return json(await auditRun(eventId, q.run));
});
