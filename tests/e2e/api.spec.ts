import { expect, test, type APIRequestContext } from "@playwright/test";

// The public HTTP API of DESIGN §6, exercised from outside exactly as written.

const valid = { name: "API sale", totalTickets: 40, maxTicketCapacity: 5, ticketReleaseRate: 100, customerRetrievalRate: 50, vendors: 2, customers: 4, vipCustomers: 1 };

async function eventCount(request: APIRequestContext): Promise<number> {
  const res = await request.get("/api/events");
  expect(res.status()).toBe(200);
  return (await res.json()).events.length;
}

async function create(request: APIRequestContext, body: Record<string, unknown> = valid) {
  const res = await request.post("/api/events", { data: body });
  expect(res.status()).toBe(201);
  return res.json();
}

async function untilStatus(request: APIRequestContext, id: number, status: string) {
  await expect.poll(async () => (await (await request.get(`/api/events/${id}`)).json()).status, { timeout: 30_000 }).toBe(status);
}

test("GET /api/health answers ok while the database does", async ({ request }) => {
  const res = await request.get("/api/health");
  expect(res.status()).toBe(200);
  expect(await res.json()).toEqual({ status: "ok" });
});

test("POST /api/events creates the event with its starting vendors and customers", async ({ request }) => {
  const res = await request.post("/api/events", { data: valid });
  expect(res.status()).toBe(201);
  const ev = await res.json();
  expect(Object.keys(ev).sort()).toEqual(
    ["id", "name", "status", "run", "totalTickets", "maxTicketCapacity", "ticketReleaseRate", "customerRetrievalRate", "released", "sold", "available", "held", "holdSeconds", "holdAbandonPercent", "holdConfirmSeconds", "waiting", "waitStats", "maxTicketsPerBuyer", "driver", "vendors", "customers", "createdAt", "updatedAt"].sort(),
  );
  expect(ev).toMatchObject({ driver: null, name: "API sale", status: "IDLE", run: 1, totalTickets: 40, maxTicketCapacity: 5, ticketReleaseRate: 100, customerRetrievalRate: 50, released: 0, sold: 0, available: 0, waiting: { vip: 0, regular: 0 } });
  expect(ev.vendors).toHaveLength(2);
  expect(ev.customers).toHaveLength(4);
  expect(ev.customers.filter((c: { vip: boolean }) => c.vip)).toHaveLength(1);

  const got = await request.get(`/api/events/${ev.id}`);
  expect(got.status()).toBe(200);
  expect((await got.json()).id).toBe(ev.id);
  const list = (await (await request.get("/api/events")).json()).events;
  expect(list.map((e: { id: number }) => e.id)).toContain(ev.id);
});

test("start runs the sale to SOLD_OUT by itself; stop and reset control the run", async ({ request }) => {
  const ev = await create(request);
  const started = await request.post(`/api/events/${ev.id}/start`, { data: {} });
  expect(started.status()).toBe(200);
  const running = await started.json();
  expect(running.status).toBe("RUNNING");
  // The instance that took the start drives the sale (holds its lease), named host:port by default.
  expect(running.driver).toMatch(/^.+:\d+$/);
  await untilStatus(request, ev.id, "SOLD_OUT");
  const done = await (await request.get(`/api/events/${ev.id}`)).json();
  expect(done).toMatchObject({ released: 40, sold: 40, available: 0, driver: null });
  expect(done.vendors.reduce((s: number, v: { released: number }) => s + v.released, 0)).toBe(40);
  expect(done.customers.reduce((s: number, c: { bought: number }) => s + c.bought, 0)).toBe(40);

  const again = await request.post(`/api/events/${ev.id}/start`, { data: {} });
  expect(again.status()).toBe(409);
  expect((await again.json()).error).toMatchObject({ code: "invalid_state", message: expect.stringMatching(/sold out/) });

  const reset = await request.post(`/api/events/${ev.id}/reset`, { data: {} });
  expect(reset.status()).toBe(200);
  expect(await reset.json()).toMatchObject({ status: "IDLE", run: 2, released: 0, sold: 0, available: 0 });

  const slow = await create(request, { ...valid, totalTickets: 100_000, maxTicketCapacity: 100, ticketReleaseRate: 5, customerRetrievalRate: 5 });
  expect((await request.post(`/api/events/${slow.id}/start`, { data: {} })).status()).toBe(200);
  const stopped = await request.post(`/api/events/${slow.id}/stop`, { data: {} });
  expect(stopped.status()).toBe(200);
  expect((await stopped.json()).status).toBe("STOPPED");
});

test.describe("bad input gets a 4xx that says what to fix, and changes nothing", () => {
  const cases: [string, unknown, number, string, RegExp][] = [
    ["non-numeric totalTickets", { ...valid, totalTickets: "lots" }, 422, "validation_failed", /totalTickets must be a number/],
    ["numeric string", { ...valid, totalTickets: "40" }, 422, "validation_failed", /totalTickets must be a number/],
    ["zero tickets", { ...valid, totalTickets: 0 }, 422, "validation_failed", /at least 1/],
    ["too many tickets", { ...valid, totalTickets: 1_000_001 }, 422, "validation_failed", /at most 1,000,000/],
    ["fractional capacity", { ...valid, maxTicketCapacity: 2.5 }, 422, "validation_failed", /whole number/],
    ["capacity above total", { ...valid, maxTicketCapacity: 41 }, 422, "validation_failed", /cannot exceed totalTickets/],
    ["rate too low", { ...valid, ticketReleaseRate: 0 }, 422, "validation_failed", /at least 0.1 tickets\/s/],
    ["rate too high", { ...valid, customerRetrievalRate: 10_001 }, 422, "validation_failed", /at most 10,000 tickets\/s/],
    ["empty name", { ...valid, name: "  " }, 422, "validation_failed", /name is required/],
    ["missing name", { ...valid, name: undefined }, 422, "validation_failed", /name is required/],
    ["more VIPs than customers", { ...valid, vipCustomers: 5 }, 422, "validation_failed", /cannot exceed customers/],
    ["an array body", [valid], 422, "validation_failed", /JSON object/],
  ];
  for (const [what, body, status, code, message] of cases) {
    test(`${what} → ${status}`, async ({ request }) => {
      const before = await eventCount(request);
      const res = await request.post("/api/events", { data: body as object });
      expect(res.status()).toBe(status);
      const json = await res.json();
      expect(json.error.code).toBe(code);
      expect(json.error.message).toMatch(message);
      expect(await eventCount(request)).toBe(before);
    });
  }

  test("a 1 MB name → 413", async ({ request }) => {
    const before = await eventCount(request);
    const res = await request.post("/api/events", { data: { ...valid, name: "x".repeat(1024 * 1024) } });
    expect(res.status()).toBe(413);
    expect((await res.json()).error.code).toBe("payload_too_large");
    expect(await eventCount(request)).toBe(before);
  });

  test("malformed JSON → 400", async ({ request }) => {
    const res = await request.post("/api/events", { data: Buffer.from("{ name: oops"), headers: { "content-type": "application/json" } });
    expect(res.status()).toBe(400);
    expect((await res.json()).error).toMatchObject({ code: "malformed_json", message: expect.any(String) });
  });

  test("unknown and malformed event ids → 404", async ({ request }) => {
    for (const path of ["/api/events/999999", "/api/events/abc", "/api/events/1.5", "/api/events/-1", "/api/events/99999999999999999999"]) {
      const res = await request.get(path);
      expect(res.status(), path).toBe(404);
      expect((await res.json()).error.code).toBe("not_found");
    }
    for (const action of ["start", "stop", "reset"]) {
      const res = await request.post(`/api/events/424242/${action}`, { data: {} });
      expect(res.status()).toBe(404);
    }
    expect((await request.get("/api/events/424242/stream")).status()).toBe(404);
  });

  test("stop on an idle event → 409, and it stays IDLE", async ({ request }) => {
    const ev = await create(request);
    const res = await request.post(`/api/events/${ev.id}/stop`, { data: {} });
    expect(res.status()).toBe(409);
    expect((await res.json()).error).toMatchObject({ code: "invalid_state", message: expect.stringMatching(/Only a running event can be stopped/) });
    expect((await (await request.get(`/api/events/${ev.id}`)).json()).status).toBe("IDLE");
  });

  test("admin actions without the admin token are refused (401) and change nothing", async ({ request }) => {
    const before = await eventCount(request);
    for (const authorization of ["", "Bearer wrong-token"]) {
      const res = await request.post("/api/events", { data: valid, headers: { authorization } });
      expect(res.status()).toBe(401);
      expect((await res.json()).error).toMatchObject({ code: "unauthorized", message: expect.stringMatching(/ADMIN_TOKEN/) });
    }
    const ev = await create(request);
    expect((await request.post(`/api/events/${ev.id}/start`, { data: {}, headers: { authorization: "" } })).status()).toBe(401);
    expect((await (await request.get(`/api/events/${ev.id}`, { headers: { authorization: "" } })).json()).status).toBe("IDLE");
    expect(await eventCount(request)).toBe(before + 1);
  });
});

/** Reads an SSE response for `ms` milliseconds and returns its messages. */
async function readStream(path: string, ms: number, headers: Record<string, string> = {}) {
  const abort = new AbortController();
  const res = await fetch(`${test.info().project.use.baseURL}${path}`, { headers, signal: abort.signal });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/event-stream");
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const timer = setTimeout(() => abort.abort(), ms);
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    /* aborted: the time is up */
  } finally {
    clearTimeout(timer);
  }
  return text
    .split("\n\n")
    .filter((block) => block.includes("data: "))
    .map((block) => {
      const field = (name: string) => block.split("\n").find((l) => l.startsWith(`${name}: `))?.slice(name.length + 2);
      return { event: field("event"), id: field("id"), data: JSON.parse(field("data") ?? "null") };
    });
}

test("the stream sends a snapshot, then coalesced updates with ids, and resumes from Last-Event-ID", async ({ request }) => {
  const ev = await create(request, { ...valid, totalTickets: 3_000, maxTicketCapacity: 50, ticketReleaseRate: 400, customerRetrievalRate: 100, vendors: 3, customers: 12 });
  expect((await request.post(`/api/events/${ev.id}/start`, { data: {} })).status()).toBe(200);
  const messages = await readStream(`/api/events/${ev.id}/stream`, 2_000);
  expect(messages[0].event).toBe("snapshot");
  expect(messages[0].data.event.id).toBe(ev.id);
  expect(Array.isArray(messages[0].data.logs)).toBe(true);
  for (const m of messages) expect(m.id).toMatch(/^\d+$/);
  const updates = messages.filter((m) => m.event === "update");
  expect(updates.length).toBeGreaterThan(3);
  expect(updates.length).toBeLessThanOrEqual(22); // ≤ 10 a second over 2 s, however fast the sale
  const ids = messages.map((m) => BigInt(m.id!));
  expect(ids).toEqual([...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  // Ids are the event's log sequence (1, 2, 3 … with no gaps): an update carries the newest rows
  // since the message before it and counts the rest, and ends at its own id.
  for (let k = 1; k < messages.length; k++) {
    if (messages[k].event !== "update") continue;
    const { logs, skipped } = messages[k].data as { logs: { seq: string }[]; skipped: number };
    expect(logs.length + skipped).toBe(Number(ids[k] - ids[k - 1]));
    for (const l of logs) expect(BigInt(l.seq) > ids[k - 1] && BigInt(l.seq) <= ids[k]).toBe(true);
    if (logs.length > 0) expect(BigInt(logs.at(-1)!.seq)).toBe(ids[k]);
  }
  const sold = updates.map((m) => m.data.event.sold as number);
  expect(sold[sold.length - 1]).toBeGreaterThan(sold[0]);

  const resumed = await readStream(`/api/events/${ev.id}/stream`, 800, { "last-event-id": messages[1].id! });
  expect(resumed[0].event).toBe("update");
  expect(resumed[0].data.logs.length + resumed[0].data.skipped).toBeGreaterThan(0);
  expect(BigInt(resumed[0].data.logs[0]?.seq ?? "0")).toBeGreaterThan(BigInt(messages[1].id!));
  expect(resumed[0].data.logs.length + resumed[0].data.skipped).toBe(Number(BigInt(resumed[0].id!) - BigInt(messages[1].id!)));
  await request.post(`/api/events/${ev.id}/stop`, { data: {} });
});

test("vendors and customers are added and removed through the API; bad input changes nothing", async ({ request }) => {
  const ev = await create(request, { ...valid, vendors: 0, customers: 0, vipCustomers: 0 });
  const v = await request.post(`/api/events/${ev.id}/vendors`, { data: { name: "Box office", ticketReleaseRate: 25 } });
  expect(v.status()).toBe(201);
  const vendor = await v.json();
  expect(vendor).toMatchObject({ name: "Box office", ticketReleaseRate: 25, ownRate: true, released: 0 });
  expect(v.headers()["location"]).toBe(`/api/events/${ev.id}/vendors/${vendor.id}`);
  const c = await request.post(`/api/events/${ev.id}/customers`, { data: { name: "Ada", vip: true } });
  expect(c.status()).toBe(201);
  const customer = await c.json();
  expect(customer).toMatchObject({ name: "Ada", vip: true, customerRetrievalRate: valid.customerRetrievalRate, ownRate: false });

  for (const [path, body, message] of [
    ["vendors", { ticketReleaseRate: 5 }, /name is required/],
    ["vendors", { name: "x", ticketReleaseRate: 0 }, /at least 0.1 tickets\/s/],
    ["customers", { name: "x", vip: "yes" }, /vip must be true or false/],
    ["customers", { name: "x".repeat(10_000) }, /at most 120 characters/],
  ] as const) {
    const res = await request.post(`/api/events/${ev.id}/${path}`, { data: body });
    expect(res.status()).toBe(422);
    expect((await res.json()).error.message).toMatch(message);
  }
  const after = await (await request.get(`/api/events/${ev.id}`)).json();
  expect([after.vendors.length, after.customers.length]).toEqual([1, 1]);

  const removed = await request.delete(`/api/events/${ev.id}/customers/${customer.id}`);
  expect(removed.status()).toBe(200);
  const twice = await request.delete(`/api/events/${ev.id}/customers/${customer.id}`);
  expect(twice.status()).toBe(404);
  expect((await twice.json()).error.message).toMatch(/already removed/);
  expect((await request.delete(`/api/events/${ev.id}/vendors/abc`)).status()).toBe(404);
  expect((await request.post(`/api/events/999999/vendors`, { data: { name: "x" } })).status()).toBe(404);
  expect((await (await request.get(`/api/events/${ev.id}`)).json()).customers).toHaveLength(0);
});
