import { z } from "zod";

// All configuration comes from environment variables, parsed once at start-up, with defaults
// that work on a developer machine with a local MySQL/MariaDB.
const schema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^mysql:\/\//, "DATABASE_URL must be a mysql:// URL")
    .default("mysql://root@127.0.0.1:3306/ticketing"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  ADMIN_TOKEN: z.string().min(8, "ADMIN_TOKEN must be at least 8 characters").optional(),
  DB_POOL_SIZE: z.coerce.number().int().min(2).max(200).default(10),
  ENGINE_TICK_MS: z.coerce.number().int().min(10).max(1000).default(100),
  PURCHASE_RATE_PER_SECOND: z.coerce.number().positive().default(20),
  PURCHASE_RATE_BURST: z.coerce.number().int().min(1).default(100),
  /** Purchases a second for one buyer name in one event (burst: five times it). */
  PURCHASE_RATE_PER_BUYER: z.coerce.number().positive().default(10),
  /** Non-admin purchases a second for the whole process (burst: twice it). */
  PURCHASE_RATE_GLOBAL_PER_SECOND: z.coerce.number().positive().default(5_000),
  /** Proxies in front of the app whose X-Forwarded-For / X-Forwarded-Proto may be believed (0: none). */
  TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
  SSE_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(100_000).default(8_000),
  SSE_BUFFER_BYTES: z.coerce.number().int().min(1_024).max(16 * 1024 * 1024).default(32 * 1024),
  SSE_DROP_AFTER_MS: z.coerce.number().int().min(100).max(600_000).default(15_000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** This instance's name, shown as the driver of the events it drives; host:port by default. */
  INSTANCE_ID: z.string().trim().min(1).max(200).optional(),
  /** How long a real buyer's purchase may wait in line before it leaves the queue (CANCELLED). */
  PURCHASE_MAX_WAIT_MS: z.coerce.number().int().min(60_000).max(2_147_483_647).default(86_400_000),
  /** Tests only: every pool batch holds its transaction open this long before it commits, so that a kill can land inside one. */
  TEST_BATCH_DELAY_MS: z.coerce.number().int().min(0).max(10_000).default(0),
  /**
   * background: every instance drives sales from its own timers, and takes over events nobody
   * drives. on-demand: nothing runs between requests; a sale advances while an instance
   * handles a request for it, and catches up for the time nobody drove it (lib/engine/engine.ts).
   */
  ENGINE_MODE: z.enum(["background", "on-demand"], { message: 'ENGINE_MODE must be "background" or "on-demand"' }).optional(),
  /** The secret Vercel Cron sends as `Authorization: Bearer …` to GET /api/cron/advance; unset, the route answers 401 to everyone. */
  CRON_SECRET: z.string().min(16, "CRON_SECRET must be at least 16 characters").optional(),
  /** Set by Vercel on its instances: on-demand becomes the default engine mode. */
  VERCEL: z.string().optional(),
  /** 1: webhook endpoints may be loopback, private or link-local addresses (tests, a receiver on the same network). */
  WEBHOOK_ALLOW_PRIVATE: z
    .enum(["0", "1"], { message: 'WEBHOOK_ALLOW_PRIVATE must be "0" or "1"' })
    .default("0")
    .transform((v) => v === "1"),
  /** Multiplies every webhook retry delay (tests shrink the 3-day schedule to seconds); 1 in production. */
  WEBHOOK_RETRY_SCALE: z.coerce.number().min(0.0001).max(1).default(1),
  /** Multiplies every checkout hold's time and every simulated customer's time to confirm (tests and demos shrink 30 s to a fraction); 1 in production. */
  HOLD_SECONDS_SCALE: z.coerce.number().min(0.001).max(1).default(1),
  /** How often an instance in background mode looks for webhook deliveries that are due. */
  WEBHOOK_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1_000),
  ENGINE_AUTOSTART: z
    .enum(["true", "false"])
    .default("true")
    .transform((v) => v === "true"),
});

export type Env = Omit<z.infer<typeof schema>, "ENGINE_MODE"> & { ENGINE_MODE: "background" | "on-demand" };

let cached: Env | undefined;

export function env(): Env {
  if (cached) return cached;
  const parsed = schema.safeParse({
    ...process.env,
    ADMIN_TOKEN: process.env.ADMIN_TOKEN || undefined,
    CRON_SECRET: process.env.CRON_SECRET || undefined,
    ENGINE_MODE: process.env.ENGINE_MODE || undefined,
    WEBHOOK_ALLOW_PRIVATE: process.env.WEBHOOK_ALLOW_PRIVATE || undefined,
  });
  if (!parsed.success) {
    const secret = /TOKEN|SECRET|DATABASE_URL/;
    const lines = parsed.error.issues.map((i) => {
      const key = i.path.join(".");
      const given = process.env[key];
      return `  ${key}: ${i.message}${given !== undefined && !secret.test(key) ? ` (it is ${JSON.stringify(given.slice(0, 80))})` : ""}`;
    });
    throw new Error(`Invalid configuration:\n${lines.join("\n")}`);
  }
  cached = { ...parsed.data, ENGINE_MODE: parsed.data.ENGINE_MODE ?? (parsed.data.VERCEL ? "on-demand" : "background") };
  return cached;
}
