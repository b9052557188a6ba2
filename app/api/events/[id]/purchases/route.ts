import { exportQuerySchema, PURCHASE_COLUMNS } from "@/lib/contracts/history";
import { purchaseExport } from "@/lib/history/exports";
import { download, parseQuery } from "@/lib/server/history-http";
import { purchaseAnswer } from "@/lib/server/purchase-endpoint";
import { eventIdParam, readText, route } from "@/lib/server/route";

export const dynamic = "force-dynamic";

// 201 with the tickets when served within the wait budget (`Prefer: wait=N`, 0–30 s, default
// 10 s); 202 while still in line; 409 sold_out. `Idempotency-Key` makes retries safe. The same
// answers are served by the front's Node fast path on Next's own servers (lib/server/front.ts); this handler serves them on a serverless runtime.
export const POST = route(async (req, ctx: { params: Promise<{ id: string }> }) => {
  const arrived = Date.now(); // the wait budget counts from here, whatever comes before the answer
  const a = await purchaseAnswer((await ctx.params).id, req.headers, () => readText(req), arrived);
  return new Response(a.body, { status: a.status, headers: a.headers });
});

// Every purchase of the event (or of ?run=n), streamed; ?format=json|csv|ndjson.
export const GET = route(async (req, ctx: { params: Promise<{ id: string }> }) => {
  const eventId = await eventIdParam(ctx);
  const q = parseQuery(exportQuerySchema, req);
  const name = `event-${eventId}-purchases${q.run !== undefined ? `-run-${q.run}` : ""}`;
  return download(q.format ?? "json", name, PURCHASE_COLUMNS, await purchaseExport(eventId, q.run));
});
