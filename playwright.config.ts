import { randomBytes } from "node:crypto";
import { defineConfig } from "@playwright/test";

// End-to-end tests run the real app (`next build` + `next start`) against a database of
// their own on the local server, created by the app at start-up and dropped in teardown.
// The contract specs (API, security, purchases) run twice: through `npm start` and through
// Next's own bare standalone server (`node .next/standalone/server.js`, as Next's docs and
// every Dockerfile deploy it), each server on a database of its own. The bare server runs
// with the front's fast paths off (FRONT_FAST_PATHS=0), so that its purchases and live
// streams go through the App Router's route handlers, as on a serverless runtime: both ways
// a purchase and a stream are served are held to the same contract.
const port = Number(process.env.E2E_PORT ?? 3107);
const barePort = port + 1;
process.env.E2E_DATABASE ??= `ticketing_e2e_${randomBytes(4).toString("hex")}`;
process.env.E2E_BARE_DATABASE ??= `${process.env.E2E_DATABASE}_bare`;
process.env.E2E_BASE_URL = `http://127.0.0.1:${port}`;
// The servers' stdout (their JSON log lines) goes to files that a test reads back.
process.env.E2E_SERVER_LOG ??= `test-results/server-${process.env.E2E_DATABASE}.log`;
process.env.E2E_BARE_SERVER_LOG ??= `test-results/server-${process.env.E2E_BARE_DATABASE}.log`;
const server = process.env.TEST_DATABASE_SERVER ?? "mysql://root@127.0.0.1:3306";
if (!/@(127\.0\.0\.1|localhost)(:\d+)?$/.test(server)) throw new Error("End-to-end tests only run against a local database server");

const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
// The server runs as in production, with an admin token; tests are the operator unless they
// drop the header (and the sign-in spec signs in through the form).
export const E2E_ADMIN_TOKEN = "e2e-admin-token-0123456789";

export default defineConfig({
  testDir: "tests/e2e",
  fullyParallel: false,
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [["list"]],
  globalTeardown: "./tests/e2e/teardown.ts",
  use: {
    baseURL: process.env.E2E_BASE_URL,
    extraHTTPHeaders: { authorization: `Bearer ${E2E_ADMIN_TOKEN}` },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: chromium,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
  },
  projects: [
    { name: "npm-start", use: { baseURL: process.env.E2E_BASE_URL } },
    { name: "next-server", testMatch: /\/(api|security|purchases)\.spec\.ts$/, use: { baseURL: `http://127.0.0.1:${barePort}` } },
  ],
  // Started one after the other: the first builds unless the integration tests left an
  // up-to-date build (tests/helpers/standalone.ts), and the second finds it built.
  webServer: [
    {
      command: `node --import tsx tests/helpers/build.ts && mkdir -p test-results && npm start > ${process.env.E2E_SERVER_LOG} 2>&1`,
      url: `http://127.0.0.1:${port}/api/health`,
      timeout: 240_000,
      reuseExistingServer: false,
      stdout: "pipe",
      stderr: "pipe",
      env: { ...serverEnv(process.env.E2E_DATABASE), PORT: String(port), HOST: "127.0.0.1" },
    },
    {
      command: `node --import tsx tests/helpers/build.ts && mkdir -p test-results && node .next/standalone/server.js > ${process.env.E2E_BARE_SERVER_LOG} 2>&1`,
      url: `http://127.0.0.1:${barePort}/api/health`,
      timeout: 240_000,
      reuseExistingServer: false,
      stdout: "pipe",
      stderr: "pipe",
      env: { ...serverEnv(process.env.E2E_BARE_DATABASE), PORT: String(barePort), HOSTNAME: "127.0.0.1", FRONT_FAST_PATHS: "0" },
    },
  ],
});

function serverEnv(database: string | undefined): Record<string, string> {
  return {
    DATABASE_URL: `${server}/${database}`,
    ENGINE_TICK_MS: "50",
    PURCHASE_RATE_PER_SECOND: "1",
    PURCHASE_RATE_BURST: "5",
    ADMIN_TOKEN: E2E_ADMIN_TOKEN,
    NEXT_TELEMETRY_DISABLED: "1",
    // The webhooks spec's receiver runs on this machine; retries come 100 times sooner (5 s → 50 ms … 24 h → 14 min).
    WEBHOOK_ALLOW_PRIVATE: "1",
    WEBHOOK_RETRY_SCALE: "0.01",
    WEBHOOK_POLL_MS: "200",
  };
}
