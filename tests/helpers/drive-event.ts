// A separate app process for the multi-process tests: drives one event with this process's
// engine until the database says the run is over, then exits.
//   node --import tsx --conditions=react-server tests/helpers/drive-event.ts <databaseUrl> <eventId> drive|resume|instance
// drive: unfenced, whatever other processes do; resume: as at boot (takes the lease of what
// nobody drives); instance: as an app instance (resume, then take over what nobody drives).
const [url, id, mode] = process.argv.slice(2);
process.env.DATABASE_URL = url;
process.env.ENGINE_TICK_MS ??= "50";
const eventId = Number(id);

const { engine } = await import("../../lib/engine/engine");
const { db, closeDb } = await import("../../lib/db/client");

if (mode === "resume") await engine().resumeRunning();
else if (mode === "instance") {
  await engine().resumeRunning();
  engine().watchRunning();
} else await engine().drive(eventId);
process.send?.({ driving: engine().isDriving(eventId) });

for (;;) {
  const ev = await db().event.findUnique({ where: { id: eventId }, select: { status: true } });
  if (!ev || ev.status !== "RUNNING") break;
  await new Promise((r) => setTimeout(r, 100));
}
await engine().shutdown(); // waits for a batch in flight, so the totals are final
process.send?.({ totals: engine().totals(eventId) });
await closeDb();
process.disconnect?.();
