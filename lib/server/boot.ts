import { closeDb } from "@/lib/db/client";
import { migrate, NodeNotReady } from "@/lib/db/migrate";
import { engine } from "@/lib/engine/engine";
import { env } from "@/lib/platform/env";
import { logger } from "@/lib/platform/logger";
import { singleton } from "@/lib/platform/singleton";
import { endAllFeeds } from "@/lib/log/feed";
import { endWaits } from "@/lib/purchases/notify";
import { startDeliveryWorker, stopDeliveryWorker } from "@/lib/webhooks/deliver";
import { offerDbHealth } from "./db-health";
import { LOOPBACK_UNSEEN, seesSockets } from "./auth";
import { exposedAddress, exposedRefusal } from "./exposure";
import { frontServers, inFlight } from "./front";
import { startDraining } from "./shutdown";
import { startingBegan, startingDone } from "./starting";

/** SIGTERM to exit: the whole drain fits in this, or the process exits anyway. */
const SHUTDOWN_BUDGET_MS = 9_000;

// Start-up of one app instance: check configuration, create the database and apply pending
// migrations, then resume every run the database says is RUNNING. While the database does
// not answer, the app still serves (health says 503) and keeps trying.
export async function boot(): Promise<void> {
  const config = configOrExit();
  const once = singleton("booted", () => ({ done: false }));
  if (once.done) return;
  once.done = true;
  const log = logger().child({ component: "boot" });
  log.info({ mode: config.ENGINE_MODE }, config.ENGINE_MODE === "on-demand" ? "engine on demand: a sale advances while a request for it is served, and catches up after a gap" : "engine in the background: this instance drives sales and takes over those nobody drives");
  const fronted = frontServers();
  if (fronted) log.info({ servers: fronted }, "the app's front serves purchases and live streams, and stamps every request with its socket's address");
  if (!config.ADMIN_TOKEN) refuseExposure(log);
  offerDbHealth();
  startingBegan();

  const attempt = async (): Promise<void> => {
    try {
      const { created, applied } = await migrate(config.DATABASE_URL);
      if (created) log.info("created the database");
      if (applied.length) log.info({ migrations: applied }, "applied migrations");
      startingDone();
      // On demand nothing runs between requests: no resume, no watcher (lib/events/demand.ts).
      if (config.ENGINE_AUTOSTART && config.ENGINE_MODE === "background") {
        const resumed = await engine().resumeRunning();
        if (resumed.length) log.info({ events: resumed }, "resumed running events");
        engine().watchRunning();
      }
      // Webhooks go out from a timer in background mode; on demand, requests and the cron send them (lib/events/demand.ts).
      if (config.ENGINE_MODE === "background") startDeliveryWorker();
    } catch (err) {
      if (err instanceof NodeNotReady) log.warn({ state: err.state }, `${err.message}; waiting, retrying in 5 s`);
      else log.warn({ err }, "database not ready; retrying in 5 s");
      setTimeout(() => void attempt(), 5_000).unref();
    }
  };
  await attempt();

  // Graceful shutdown: refuse new requests (503 + Retry-After, so a balancer retries
  // elsewhere), tell live streams and close them, let the batches in flight commit and
  // release the leases (another instance takes the events over at once), answer the buyers
  // still waiting with where they stand (202), wait for answers in flight, then exit.
  const stop = async (signal: string) => {
    const started = Date.now();
    setTimeout(() => {
      log.error({ signal }, "shutdown took too long; exiting now");
      process.exit(1);
    }, SHUTDOWN_BUDGET_MS).unref();
    startDraining();
    stopDeliveryWorker();
    const streams = endAllFeeds(2_000);
    await engine()
      .shutdown()
      .catch((err: unknown) => log.error({ err }, "engine shutdown failed"));
    endWaits();
    await inFlightDone(started + SHUTDOWN_BUDGET_MS - 1_000);
    await closeDb().catch(() => undefined);
    log.info({ signal, streams, ms: Date.now() - started }, "shut down");
    process.exit(0);
  };
  // Next's own servers exit at once on these signals (unless NEXT_MANUAL_SIG_HANDLE, which the
  // `npm start` entry sets): the app takes them over, wherever it runs, and drains first.
  if (!process.env.NEXT_MANUAL_SIG_HANDLE && !process.env.VERCEL) {
    process.removeAllListeners("SIGTERM");
    process.removeAllListeners("SIGINT");
  }
  process.once("SIGTERM", () => void stop("SIGTERM"));
  process.once("SIGINT", () => void stop("SIGINT"));
}

/** Until the requests the front counts as in flight (lib/server/front.ts) are answered, or `until`. */
async function inFlightDone(until: number): Promise<void> {
  while (inFlight().count > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
}

/**
 * Without ADMIN_TOKEN: a server listening beyond loopback stops here (admin would be open to
 * the network), and one that cannot see sockets says that admin is nobody's. Checked at boot
 * (Next's server listens before instrumentation runs) and once more a moment later, in case
 * a server binds after the app starts.
 */
function refuseExposure(log: ReturnType<typeof logger>): void {
  const check = () => {
    const address = exposedAddress();
    if (!address) return;
    const message = exposedRefusal(address);
    log.fatal({ address }, message);
    process.stderr.write(`${message}\n`);
    process.exit(1);
  };
  check();
  setTimeout(check, 1_000).unref();
  if (!seesSockets()) log.warn(LOOPBACK_UNSEEN);
}

/** The configuration, or the process ends here with the message naming what is wrong (Next would only log a failed instrumentation hook, and serve on). */
function configOrExit(): ReturnType<typeof env> {
  try {
    return env();
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  }
}
