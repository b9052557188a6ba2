import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import fc from "fast-check";
import { createTestDatabase, useDatabase, type TestDatabase } from "../helpers/database";

// Hostile input against every route handler, called in process (a Request in, a Response out,
// the real database underneath): random JSON, wrong types, huge, negative and non-finite
// numbers, number-like strings, unicode and control characters, SQL-ish and script-ish text,
// oversized and chunked bodies, wrong content types, bad and duplicated headers, forged
// forwarding and edge headers, odd path ids. Every answer must be a 4xx JSON error or a
// documented success — never a 5xx, never HTML — and a refused request must leave every table
// exactly as it was (checksums before and after). FUZZ_SEED=<n> replays a run; FUZZ_RUNS sets
// its size (default 10,000 in all).

const TOKEN = "fuzz-admin-token-0123456789";
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const TABLES = ["Event", "Vendor", "Customer", "Ticket", "Purchase", "EventLog", "AdminSession"];

let t: TestDatabase;
let closeDb: () => Promise<void>;
let engine: typeof import("../../lib/engine/engine").engine;
type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
type Route = { method: string; path: (ids: Ids) => string; params: (ids: Ids) => Record<string, string>; handler: Handler; admin: boolean };
type Ids = { id: string; actorId: string; pid: string };
const routes: Route[] = [];

before(async () => {
  t = await createTestDatabase("fuzz");
  useDatabase(t.url);
  process.env.ADMIN_TOKEN = TOKEN;
  process.env.PURCHASE_RATE_BURST = "1000000";
  process.env.PURCHASE_RATE_PER_BUYER = "1000000";
  closeDb = (await import("../../lib/db/client")).closeDb;
  engine = (await import("../../lib/engine/engine")).engine;
  const { createEvent } = await import("../../lib/events/create");
  // Events that exist, with actors, so that many hostile requests reach deep into the handlers.
  for (let i = 0; i < 3; i++) await createEvent({ name: `Fuzz ${i}`, totalTickets: 100, maxTicketCapacity: 20, ticketReleaseRate: 5, customerRetrievalRate: 5, vendors: 2, customers: 2, vipCustomers: 1 });

  const r = async (path: string) => (await import(`../../app/api/${path}/route.ts`)) as Record<string, Handler>;
  const events = await r("events");
  const event = await r("events/[id]");
  const vendors = await r("events/[id]/vendors");
  const vendor = await r("events/[id]/vendors/[actorId]");
  const customers = await r("events/[id]/customers");
  const customer = await r("events/[id]/customers/[actorId]");
  const purchases = await r("events/[id]/purchases");
  const purchase = await r("purchases/[pid]");
  const cancel = await r("purchases/[pid]/cancel");
  const health = await r("health");
  const stream = await r("events/[id]/stream");
  const other = await r("[...path]");
  const id = (ids: Ids) => ({ id: ids.id });
  routes.push(
    { method: "GET", path: () => "/api/events", params: () => ({}), handler: events.GET, admin: false },
    { method: "POST", path: () => "/api/events", params: () => ({}), handler: events.POST, admin: true },
    { method: "GET", path: (x) => `/api/events/${x.id}`, params: id, handler: event.GET, admin: false },
    ...["start", "stop", "reset"].map((action) => ({ method: "POST", path: (x: Ids) => `/api/events/${x.id}/${action}`, params: id, handler: undefined as unknown as Handler, admin: true, action })),
    { method: "POST", path: (x) => `/api/events/${x.id}/vendors`, params: id, handler: vendors.POST, admin: true },
    { method: "POST", path: (x) => `/api/events/${x.id}/customers`, params: id, handler: customers.POST, admin: true },
    { method: "PATCH", path: (x) => `/api/events/${x.id}/vendors/${x.actorId}`, params: (x) => ({ id: x.id, actorId: x.actorId }), handler: vendor.PATCH, admin: true },
    { method: "DELETE", path: (x) => `/api/events/${x.id}/vendors/${x.actorId}`, params: (x) => ({ id: x.id, actorId: x.actorId }), handler: vendor.DELETE, admin: true },
    { method: "PATCH", path: (x) => `/api/events/${x.id}/customers/${x.actorId}`, params: (x) => ({ id: x.id, actorId: x.actorId }), handler: customer.PATCH, admin: true },
    { method: "DELETE", path: (x) => `/api/events/${x.id}/customers/${x.actorId}`, params: (x) => ({ id: x.id, actorId: x.actorId }), handler: customer.DELETE, admin: true },
    { method: "POST", path: (x) => `/api/events/${x.id}/purchases`, params: id, handler: purchases.POST, admin: false },
    { method: "GET", path: (x) => `/api/purchases/${x.pid}`, params: (x) => ({ pid: x.pid }), handler: purchase.GET, admin: false },
    { method: "POST", path: (x) => `/api/purchases/${x.pid}/cancel`, params: (x) => ({ pid: x.pid }), handler: cancel.POST, admin: false },
    { method: "GET", path: () => "/api/health", params: () => ({}), handler: health.GET, admin: false },
    { method: "GET", path: (x) => `/api/events/${x.id}/stream`, params: id, handler: stream.GET, admin: false },
    { method: "POST", path: (x) => `/api/${x.id}/${x.pid}`, params: (x) => ({ path: [x.id, x.pid] as unknown as string }), handler: other.POST, admin: false },
  );
  for (const [i, action] of ["start", "stop", "reset"].entries()) routes[3 + i].handler = (await r(`events/[id]/${action}`)).POST;
});

after(async () => {
  await engine().shutdown();
  await closeDb();
  await t.drop();
});

async function checksum(): Promise<string> {
  const [rows] = await t.sql.query(`CHECKSUM TABLE ${TABLES.map((n) => `\`${n}\``).join(", ")}`);
  return JSON.stringify(rows);
}

// ---- what an attacker sends ----------------------------------------------------------------

const sqlish = ["' OR '1'='1", "1; DROP TABLE Event; --", "\" OR \"\"=\"", "1 UNION SELECT * FROM AdminSession", "%' --", "\\'; SLEEP(5); --"];
const scriptish = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "javascript:alert(1)", "\"><svg onload=alert(1)>", "{{constructor.constructor('alert(1)')()}}", "${7*7}"];
const numberish = ["1", "1e3", " 5 ", "0x10", "-0", "1_000", "Infinity", "NaN", "１２", "9".repeat(400), "1.5", "", " "];
const weird = fc.oneof(fc.string({ unit: "grapheme", maxLength: 40 }), fc.string({ unit: fc.integer({ min: 0, max: 31 }).map((c) => String.fromCharCode(c)), maxLength: 10 }), fc.constantFrom("\u0000", "\u202e", "\ud800", "\uffff", "🎟️".repeat(50), "A".repeat(2_000)));
const hostileNumber = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -1, 1e308, -1e308, Number.MAX_SAFE_INTEGER, 2 ** 31, 2 ** 53 + 1, 0.1, 1e-320));
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(hostileNumber, fc.constantFrom(...numberish, ...sqlish, ...scriptish), weird, fc.boolean(), fc.constant(null), fc.jsonValue({ maxDepth: 2 }));
const fieldNames = ["name", "totalTickets", "maxTicketCapacity", "ticketReleaseRate", "customerRetrievalRate", "vendors", "customers", "vipCustomers", "buyer", "quantity", "vip", "paused", "customerRetrievalRate", "__proto__", "constructor"];
const hostileObject = fc.dictionary(fc.oneof(fc.constantFrom(...fieldNames), fc.string({ maxLength: 8 })), hostileValue, { maxKeys: 10 });
const nearlyValid = fc.record({
  name: fc.oneof(fc.constant("Ok"), hostileValue),
  totalTickets: fc.oneof(fc.constant(100), hostileValue),
  maxTicketCapacity: fc.oneof(fc.constant(10), hostileValue),
  ticketReleaseRate: fc.oneof(fc.constant(1), hostileValue),
  customerRetrievalRate: fc.oneof(fc.constant(1), hostileValue),
  buyer: fc.oneof(fc.constant("Ann"), hostileValue),
  quantity: fc.oneof(fc.constant(1), hostileValue),
  vip: fc.oneof(fc.constant(false), hostileValue),
  paused: fc.oneof(fc.constant(true), hostileValue),
});

type Body = { kind: "none" } | { kind: "text"; text: string } | { kind: "chunked"; text: string; chunks: number };
const body: fc.Arbitrary<Body> = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ kind: "none" as const }) },
  { weight: 5, arbitrary: fc.oneof(fc.jsonValue(), hostileObject, nearlyValid).map((v) => ({ kind: "text" as const, text: JSON.stringify(v) ?? "null" })) },
  { weight: 2, arbitrary: fc.oneof(fc.string({ maxLength: 200 }), fc.constantFrom("{", "{\"a\":", "[1,2", "\u0000{}", "{}{}", "null", "true", "\"str\"", "1e309", "{\"quantity\": 1e309}")).map((text) => ({ kind: "text" as const, text })) },
  { weight: 1, arbitrary: fc.integer({ min: 64 * 1024 - 10, max: 200 * 1024 }).map((n) => ({ kind: "text" as const, text: JSON.stringify({ name: "x".repeat(n) }) })) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 1, max: 300 * 1024 }), fc.integer({ min: 1, max: 20 })).map(([n, chunks]) => ({ kind: "chunked" as const, text: JSON.stringify({ buyer: "b".repeat(n), quantity: 1 }), chunks })) },
);

const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constant("application/json") },
  { weight: 3, arbitrary: fc.constantFrom("application/json; charset=utf-8", "APPLICATION/JSON", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json, text/plain", "application/jsonx", "", "text/html", "application/json\u0000") },
);

const pathId = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom("1", "2", "3") },
  { weight: 3, arbitrary: fc.constantFrom("0", "-1", "1.5", "1e3", "abc", "99999999999999999999", "%00", "%27%20OR%201%3D1", "..%2F..", " 1", "1 ", "0x1", "１", "<script>", "null", "undefined", "NaN", "2147483648") },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }).map(encodeURIComponent) },
);

const headers = fc.record({
  auth: fc.oneof(
    { weight: 3, arbitrary: fc.constant(null) },
    { weight: 4, arbitrary: fc.constant(`Bearer ${TOKEN}`) },
    { weight: 2, arbitrary: fc.constantFrom("Bearer wrong", "Bearer ", "bearer " + TOKEN.toUpperCase(), "Basic YWRtaW46YWRtaW4=", `Bearer ${TOKEN}x`, `Bearer ${TOKEN}, Bearer wrong`, "Bearer \u0000") },
  ),
  forged: fc.subarray([
    ["x-forwarded-for", "127.0.0.1"],
    ["x-forwarded-for", "127.0.0.1, 10.0.0.1"],
    ["x-real-ip", "::1"],
    ["forwarded", "for=127.0.0.1;proto=https"],
    ["x-forwarded-proto", "https"],
    ["x-ticketing-client", "127.0.0.1"],
    ["x-ticketing-edge", "0123456789abcdef0123456789abcdef"],
    ["x-ticketing-forwarded", "0"],
    ["origin", "https://evil.example"],
    ["sec-fetch-site", "cross-site"],
    ["cookie", "ticketing_admin=0123456789abcdef0123456789abcdef.9999999999999.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"],
    ["cookie", "ticketing_admin=%E0%A4%A"],
    ["idempotency-key", "k"],
    ["idempotency-key", "K".repeat(300)],
    ["idempotency-key", "\u00e9\u0000"],
    ["prefer", "wait=999999"],
    ["prefer", "wait=-1, wait=abc"],
    ["prefer", "wait=0"],
    ["content-length", "5"],
    ["last-event-id", "99999999999999999999999"],
  ] as [string, string][], { maxLength: 5 }),
  duplicate: fc.boolean(),
});

const request = fc.record({ route: fc.nat(), ids: fc.record({ id: pathId, actorId: pathId, pid: fc.oneof(pathId, fc.constantFrom("p_0000000000000000", "A".repeat(32))) }), body, contentType, headers });

function streamOf(text: string, chunks: number): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  const size = Math.ceil(bytes.length / chunks);
  let at = 0;
  return new ReadableStream({
    pull(c) {
      if (at >= bytes.length) return c.close();
      c.enqueue(bytes.slice(at, (at += size)));
    },
  });
}

describe("hostile input", () => {
  it(`never gets a 5xx or HTML, and a refused request changes nothing (${RUNS.toLocaleString("en")} cases)`, async (ctx) => {
    console.log(`fuzz seed ${SEED} (replay: FUZZ_SEED=${SEED})`);
    ctx.diagnostic(`seed ${SEED}`);
    let before = await checksum();
    const tally = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const route = routes[r.route % routes.length];
        if (route.path(r.ids).endsWith("/start") && r.headers.auth === `Bearer ${TOKEN}`) r.headers.auth = null; // a running sale would change the tables by itself
        const h = new Headers();
        // A value Headers refuses (a NUL, a newline) is one no HTTP client can send: left out.
        const put = (k: string, v: string) => {
          try {
            h.append(k, v);
          } catch {
            /* not sendable */
          }
        };
        if (r.contentType !== "") put("content-type", r.contentType);
        if (r.headers.auth !== null) put("authorization", r.headers.auth);
        for (const [k, v] of r.headers.forged) {
          if (r.headers.duplicate) put(k, v);
          put(k, v);
        }
        h.set("host", "127.0.0.1:3000");
        const init: RequestInit & { duplex?: "half" } = { method: route.method, headers: h };
        if (route.method !== "GET" && r.body.kind === "text") init.body = r.body.text;
        if (route.method !== "GET" && r.body.kind === "chunked") {
          init.body = streamOf(r.body.text, r.body.chunks);
          init.duplex = "half";
          h.delete("content-length");
        }
        if (init.body === undefined) h.delete("content-length");
        let req: Request;
        try {
          req = new Request(`http://127.0.0.1:3000${route.path(r.ids)}`, init);
        } catch {
          return; // not a request HTTP can carry
        }
        const params = route.params(r.ids);
        const decoded = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, Array.isArray(v) ? v : safeDecode(v)]));
        const res = await route.handler(req, { params: Promise.resolve(decoded) });
        tally.set(res.status, (tally.get(res.status) ?? 0) + 1);
        const type = res.headers.get("content-type") ?? "";
        if (res.status === 200 && type.startsWith("text/event-stream")) {
          await res.body?.cancel(); // a live stream of an event that exists: the documented success
          return;
        }
        const text = await res.text();
        assert.ok(res.status < 500, `${route.method} ${route.path(r.ids)} answered ${res.status}: ${text.slice(0, 300)}`);
        assert.match(type, /^application\/json/, `${route.method} ${route.path(r.ids)} answered ${type}`);
        const json = JSON.parse(text) as { error?: { code: unknown; message: unknown } };
        if (res.status >= 400) {
          assert.equal(typeof json.error?.code, "string");
          assert.equal(typeof json.error?.message, "string");
          const after = await checksum();
          assert.equal(after, before, `${route.method} ${route.path(r.ids)} was refused (${res.status}) but changed the database`);
        } else {
          before = await checksum();
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true, verbose: 1 },
    );
    ctx.diagnostic(`answers by status: ${JSON.stringify(Object.fromEntries([...tally].sort((a, b) => a[0] - b[0])))}`);
  });
});

function safeDecode(v: string): string {
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}
