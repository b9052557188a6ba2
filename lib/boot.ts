import { closeDb } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";
import { engine } from "@/lib/engine/engine";
import { env } from "@/lib/env";

// Start-up of one app instance: check configuration, create the database and apply pending
// migrations, then resume every run the database says is RUNNING. While the database does
// not answer, the app still serves (health says 503) and keeps trying.
export async function boot(): Promise<void> {
  const config = env();
  const holder = globalThis as unknown as { __ticketingBooted?: boolean };
  if (holder.__ticketingBooted) return;
  holder.__ticketingBooted = true;

  const attempt = async (): Promise<void> => {
    try {
      const { created, applied } = await migrate(config.DATABASE_URL);
      if (created) console.log("[boot] created the database");
      if (applied.length) console.log(`[boot] applied migrations: ${applied.join(", ")}`);
      if (config.ENGINE_AUTOSTART) {
        const resumed = await engine().resumeRunning();
        if (resumed.length) console.log(`[boot] resumed running events: ${resumed.join(", ")}`);
      }
    } catch (err) {
      console.error(`[boot] database not ready (${(err as Error).message}); retrying in 5 s`);
      setTimeout(() => void attempt(), 5_000).unref();
    }
  };
  await attempt();

  const stop = async () => {
    await engine().shutdown();
    await closeDb();
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop());
  process.once("SIGINT", () => void stop());
}
