import { renderMetrics } from "@/lib/history/metrics";
import { route } from "@/lib/server/route";

export const dynamic = "force-dynamic";

// Prometheus text format: tickets released and sold, pool level and queue depth per event;
// purchase waits, batch and query durations, open SSE clients, the process's default metrics.
export const GET = route(async () => {
  const { body, contentType } = await renderMetrics();
  return new Response(body, { status: 200, headers: { "content-type": contentType, "cache-control": "no-store" } });
});
