import { closeDb } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";
import { engine } from "@/lib/engine/engine";
import { offerNodeStream } from "@/lib/events/live";
import { env } from "@/lib/platform/env";
import { logger } from "@/lib/platform/logger";
import { singleton } from "@/lib/platform/singleton";
import { offerNodePurchases } from "./purchase-endpoint";

// Start-up of one app instance: check configuration, create the database and apply pending
// migrations, then resume every run the database says is RUNNING. While the database does
// not answer, the app still serves (health says 503) and keeps trying.
export async function boot(): Promise<void> {
  const config = env();
  const once = singleton("booted", () => ({ done: false }));
  if (once.done) return;
  once.done = true;
  const log = logger().child({ component: "boot" });
  offerNodeStream();
  offerNodePurchases();

  const attempt = async (): Promise<void> => {
    try {
      const { created, applied } = await migrate(config.DATABASE_URL);
      if (created) log.info("created the database");
      if (applied.length) log.info({ migrations: applied }, "applied migrations");
      if (config.ENGINE_AUTOSTART) {
        const resumed = await engine().resumeRunning();
        if (resumed.length) log.info({ events: resumed }, "resumed running events");
        engine().watchRunning();
      }
    } catch (err) {
      log.warn({ err }, "database not ready; retrying in 5 s");
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
