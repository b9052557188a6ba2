// One export streamed through its route handler in a fresh process, consumed as a client
// would, with the process's RSS sampled every 50 ms; reports to the parent over IPC.
//   (forked by tests/bench/history.ts) <databaseUrl> <eventId> tickets|purchases|logs csv|ndjson|json
const [url, id, what, format] = process.argv.slice(2);
process.env.DATABASE_URL = url;
process.env.LOG_LEVEL = "warn";
const routes = {
  tickets: () => import("../../../app/api/events/[id]/tickets/route"),
  purchases: () => import("../../../app/api/events/[id]/purchases/route"),
  logs: () => import("../../../app/api/events/[id]/logs/route"),
};
const { GET } = await routes[what as keyof typeof routes]();
const { closeDb } = await import("../../../lib/db/client");
global.gc?.();
const rssBefore = process.memoryUsage().rss;
let peak = rssBefore;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
const began = performance.now();
const res = await GET(new Request(`http://localhost/api/events/${id}/${what}?format=${format}`), { params: Promise.resolve({ id }) });
let bytes = 0;
let lines = 0;
const reader = res.body!.getReader();
for (;;) {
  const { done, value } = await reader.read();
  if (done) break;
  bytes += value.byteLength;
  for (let i = 0; i < value.length; i++) if (value[i] === 10) lines++;
}
const ms = performance.now() - began;
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage().rss);
process.send?.({ rows: format === "csv" ? lines - 1 : lines, bytes, ms, rssBeforeMb: rssBefore / 1e6, peakRssMb: peak / 1e6 });
await closeDb();
process.disconnect?.();
