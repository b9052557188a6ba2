import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { DbProxy } from "../helpers/db-proxy";
import { waitFor } from "../helpers/invariants";
import { ensureBuilt, startServer, type Server } from "../helpers/standalone";

// Pages while the database is away, on the built server: a clear "database unavailable" page
// with 503 and Retry-After (never a 500), which comes back by itself once the database does.

let t: TestDatabase;
let server: Server | undefined;
const proxy = new DbProxy(34_000 + Math.floor(Math.random() * 1_000));

before(async () => {
  ensureBuilt();
  t = await createTestDatabase("outagepages");
  await proxy.up();
});

after(async () => {
  if (server && server.proc.exitCode === null) {
    server.proc.kill("SIGTERM");
    await server.exited;
  }
  await proxy.down();
  await t.drop();
});

describe("pages during a database outage", () => {
  it("answer 503 with a clear page that reloads itself, and recover by themselves", async () => {
    server = await startServer({ DATABASE_URL: t.url.replace(":3306/", `:${proxy.port}/`), ADMIN_TOKEN: "outage-pages-admin-token", ENGINE_AUTOSTART: "false" });
    const s = server;
    const home = await fetch(`${s.url}/`);
    assert.equal(home.status, 200);

    await proxy.down();
    const down = await waitFor("the page to say the database is down", async () => {
      const r = await fetch(`${s.url}/`);
      return r.status === 503 ? r : false;
    }, 15_000, 300);
    assert.equal(down.headers.get("retry-after"), "5");
    const html = await down.text();
    assert.match(html, /<h1>Database unavailable<\/h1>/);
    assert.match(html, /<meta http-equiv="refresh" content="5">/);
    for (const path of ["/events/1", "/events/1/buy", "/sign-in"]) assert.equal((await fetch(`${s.url}${path}`)).status, 503, path);
    const asked = Date.now();
    assert.equal((await fetch(`${s.url}/api/health`)).status, 503);
    assert.ok(Date.now() - asked < 2_500, `health said so in ${Date.now() - asked} ms (a balancer's check times out in a few seconds)`);

    await proxy.up();
    await waitFor("the pages to come back", async () => (await fetch(`${s.url}/`)).status === 200, 20_000, 300);
  });
});
