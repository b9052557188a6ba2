import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import fc from "fast-check";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { ensureBuilt, startServer, type Server } from "../helpers/standalone";

// Hostile input against every server action, over HTTP on the built server (a server action
// needs Next's request context, which only a real request gives): hostile argument lists as
// Next's text and multipart encodings, forged and missing origins, junk cookies, garbage
// bodies and content types. No answer may be a 5xx or an HTML page, a 4xx says what is wrong
// in JSON, and nothing an action refused may change a table. FUZZ_SEED replays a run;
// FUZZ_ACTION_RUNS sets its size.

const TOKEN = "fuzz-actions-admin-token-01";
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RUNS = Number(process.env.FUZZ_ACTION_RUNS ?? 1_500);
const TABLES = ["Event", "Vendor", "Customer", "Ticket", "Purchase", "EventLog", "AdminSession"];
const ROOT = path.join(import.meta.dirname, "../..");

let t: TestDatabase;
let server: Server | undefined;
type Action = { id: string; name: string; page: string };
let actions: Action[] = [];

before(async () => {
  ensureBuilt();
  t = await createTestDatabase("fuzzactions");
  server = await startServer({ DATABASE_URL: t.url, ADMIN_TOKEN: TOKEN, PURCHASE_RATE_BURST: "1000000", PURCHASE_RATE_PER_BUYER: "1000000", LOG_LEVEL: "silent" });
  for (let i = 0; i < 2; i++) {
    const r: Response = await fetch(`${server.url}/api/events`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body: JSON.stringify({ name: `Actions ${i}`, totalTickets: 100, maxTicketCapacity: 10, ticketReleaseRate: 5, customerRetrievalRate: 5, vendors: 1, customers: 1 }) });
    assert.equal(r.status, 201);
  }
  const manifest = JSON.parse(readFileSync(path.join(ROOT, ".next/server/server-reference-manifest.json"), "utf8")) as { node: Record<string, { exportedName?: string; workers: Record<string, unknown> }> };
  actions = Object.entries(manifest.node).map(([id, a]) => {
    const worker = Object.keys(a.workers).find((w) => w !== "app/_not-found/page") ?? "app/page";
    const page = worker.replace(/^app/, "").replace(/\/page$/, "").replace("[id]", "1") || "/";
    return { id, name: a.exportedName ?? id, page };
  });
  assert.ok(actions.length >= 9, `found ${actions.length} server actions in the build`);
});

after(async () => {
  if (server && server.proc.exitCode === null) {
    server.proc.kill("SIGTERM");
    await server.exited;
  }
  await t.drop();
});

async function checksum(): Promise<string> {
  const [rows] = await t.sql.query(`CHECKSUM TABLE ${TABLES.map((n) => `\`${n}\``).join(", ")}`);
  return JSON.stringify(rows);
}

const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(1, 2, -1, 0, 1e308, "1", "1e3", " 5 ", "NaN", "Infinity", "$K1", "$K9", "$undefined", "$@1", "$Q", "$n1", "$", "' OR 1=1 --", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "\u0000", "\u202e", "A".repeat(3_000)),
  fc.string({ maxLength: 20 }),
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 2 }),
);
const fields = ["name", "totalTickets", "maxTicketCapacity", "ticketReleaseRate", "customerRetrievalRate", "vendors", "customers", "vipCustomers", "buyer", "quantity", "vip", "token", "next", "kind", "paused", "$ACTION_ID_x"];
const form = fc.dictionary(fc.oneof(fc.constantFrom(...fields), fc.string({ maxLength: 6 })), fc.oneof(fc.constantFrom("Ann", "1", "2", "10", "0", "-1", "1e309", "true", "on", "", "<b>x</b>", "/\\\\evil.example", "//evil.example", "javascript:alert(1)"), fc.string({ maxLength: 30 })), { maxKeys: 6 });

const payload = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("multipart" as const), root: fc.array(fc.oneof(hostile, fc.constant("$K1")), { maxLength: 4 }), form }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("text" as const), root: fc.array(hostile, { maxLength: 4 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("raw" as const), body: fc.oneof(fc.string({ maxLength: 200 }), fc.constantFrom("{{{", "[", "[1,", "\"$K1\"", "[\"$@0\"]", "[\"$Q0\"]", "x".repeat(2_000_000))), type: fc.constantFrom("text/plain;charset=UTF-8", "application/json", "application/x-www-form-urlencoded", "multipart/form-data; boundary=nothing", "text/html", "") }) },
);

const request = fc.record({
  action: fc.nat(),
  payload,
  origin: fc.oneof({ weight: 5, arbitrary: fc.constant("own") }, { weight: 1, arbitrary: fc.constantFrom("https://evil.example", "null", "not a url", "absent") }),
  site: fc.constantFrom(null, null, null, "same-origin", "cross-site", "same-site", "none"),
  cookie: fc.constantFrom(null, null, "ticketing_admin=junk", "ticketing_admin=0123456789abcdef0123456789abcdef.9999999999999.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "ticketing_admin=%E0%A4%A"),
  forwarded: fc.constantFrom(null, "127.0.0.1", "203.0.113.9, 127.0.0.1"),
  unknownId: fc.boolean(),
});

describe("hostile input to server actions", () => {
  it(`never gets a 5xx or HTML, and nothing refused changes a table (${RUNS.toLocaleString("en")} cases)`, async (ctx) => {
    console.log(`fuzz-actions seed ${SEED} (replay: FUZZ_SEED=${SEED})`);
    ctx.diagnostic(`seed ${SEED}; actions: ${actions.map((a) => a.name).join(", ")}`);
    const s = server!;
    let before = await checksum();
    const tally = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const action = actions[r.action % actions.length];
        const headers = new Headers({ "next-action": r.unknownId && r.action % 7 === 0 ? "00".repeat(21) : action.id, accept: "text/x-component" });
        if (r.origin === "own") headers.set("origin", s.url);
        else if (r.origin !== "absent") headers.set("origin", r.origin);
        if (r.site) headers.set("sec-fetch-site", r.site);
        if (r.cookie) headers.set("cookie", r.cookie);
        if (r.forwarded) headers.set("x-forwarded-for", r.forwarded);
        let body: BodyInit;
        if (r.payload.kind === "multipart") {
          const fd = new FormData();
          fd.set("0", JSON.stringify(r.payload.root));
          for (const [k, v] of Object.entries(r.payload.form)) fd.append(`1_${k}`, v);
          body = fd;
        } else if (r.payload.kind === "text") {
          headers.set("content-type", "text/plain;charset=UTF-8");
          body = JSON.stringify(r.payload.root);
        } else {
          if (r.payload.type) headers.set("content-type", r.payload.type);
          body = r.payload.body;
        }
        const res = await fetch(`${s.url}${action.page}`, { method: "POST", headers, body, redirect: "manual" });
        const type = res.headers.get("content-type") ?? "";
        const text = await res.text();
        tally.set(`${res.status}`, (tally.get(`${res.status}`) ?? 0) + 1);
        const what = `${action.name} ${JSON.stringify(r).slice(0, 400)}`;
        assert.ok(res.status < 500, `${what} answered ${res.status}: ${text.slice(0, 300)}`);
        assert.ok(!type.startsWith("text/html"), `${what} answered HTML`);
        if (res.status >= 400) {
          assert.match(type, /^application\/json/, `${what} answered ${res.status} as ${type}: ${text.slice(0, 200)}`);
          assert.equal(typeof (JSON.parse(text) as { error?: { message?: unknown } }).error?.message, "string");
        }
        if (text.includes('"ok":true')) before = await checksum();
        else assert.equal(await checksum(), before, `${what} was refused but changed the database`);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true, verbose: 1 },
    );
    ctx.diagnostic(`answers by status: ${JSON.stringify(Object.fromEntries(tally))}`);
  });
});
