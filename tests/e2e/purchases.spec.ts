import { expect, test, type APIRequestContext } from "@playwright/test";

// The purchase API of DESIGN §6 from outside: status codes, shapes, idempotency, bad input.

const event = { name: "Purchases", totalTickets: 50, maxTicketCapacity: 10, ticketReleaseRate: 200, customerRetrievalRate: 1, vendors: 1 };

async function create(request: APIRequestContext, body: Record<string, unknown> = event): Promise<number> {
  const res = await request.post("/api/events", { data: body });
  expect(res.status()).toBe(201);
  return (await res.json()).id;
}

const PURCHASE_KEYS = ["purchaseId", "eventId", "buyer", "vip", "quantity", "status", "ticketIds", "requestedAt", "completedAt", "position", "waitedMs"].sort();

test("a purchase on a running sale returns 201 with its tickets, and GET /api/purchases/{pid} agrees", async ({ request }) => {
  const id = await create(request);
  await request.post(`/api/events/${id}/start`, { data: {} });
  const res = await request.post(`/api/events/${id}/purchases`, { data: { buyer: "Grace", quantity: 3 } });
  expect(res.status()).toBe(201);
  const p = await res.json();
  expect(Object.keys(p).sort()).toEqual(PURCHASE_KEYS);
  expect(p).toMatchObject({ eventId: id, buyer: "Grace", vip: false, quantity: 3, status: "COMPLETED", position: null });
  expect(p.ticketIds).toHaveLength(3);
  expect(p.completedAt).not.toBeNull();
  const again = await request.get(`/api/purchases/${p.purchaseId}`);
  expect(again.status()).toBe(200);
  expect((await again.json()).ticketIds).toEqual(p.ticketIds);
});

test("a purchase still waiting after its budget is 202 QUEUED with its place in line; it may leave the queue", async ({ request }) => {
  const id = await create(request);
  const res = await request.post(`/api/events/${id}/purchases`, { data: { buyer: "Hal", quantity: 1 }, headers: { prefer: "wait=0" } });
  expect(res.status()).toBe(202);
  const p = await res.json();
  expect(p).toMatchObject({ status: "QUEUED", position: 1, ticketIds: [] });
  expect(p.purchaseId).toMatch(/^p_/);
  const left = await request.post(`/api/purchases/${p.purchaseId}/cancel`, { data: {} });
  expect(left.status()).toBe(200);
  expect((await left.json()).status).toBe("CANCELLED");
  const twice = await request.post(`/api/purchases/${p.purchaseId}/cancel`, { data: {} });
  expect(twice.status()).toBe(409);
});

test("a sold-out event answers 409 sold_out", async ({ request }) => {
  const id = await create(request, { ...event, totalTickets: 2, maxTicketCapacity: 2 });
  await request.post(`/api/events/${id}/start`, { data: {} });
  expect((await request.post(`/api/events/${id}/purchases`, { data: { buyer: "Ida", quantity: 2 } })).status()).toBe(201);
  await expect.poll(async () => (await (await request.get(`/api/events/${id}`)).json()).status).toBe("SOLD_OUT");
  const res = await request.post(`/api/events/${id}/purchases`, { data: { buyer: "Jo", quantity: 1 } });
  expect(res.status()).toBe(409);
  expect((await res.json()).error).toMatchObject({ code: "sold_out", message: expect.stringMatching(/Sold out/) });
});

test("the same Idempotency-Key returns the same purchase; with another body it is a 422", async ({ request }) => {
  const id = await create(request);
  await request.post(`/api/events/${id}/start`, { data: {} });
  const key = `e2e-${Date.now()}`;
  const answers = await Promise.all(Array.from({ length: 5 }, () => request.post(`/api/events/${id}/purchases`, { data: { buyer: "Kim", quantity: 2 }, headers: { "idempotency-key": key } })));
  const bodies = await Promise.all(answers.map((a) => a.json()));
  expect(new Set(bodies.map((b) => b.purchaseId)).size).toBe(1);
  for (const a of answers) expect(a.status()).toBe(201);
  expect(new Set(bodies.map((b) => JSON.stringify(b.ticketIds))).size).toBe(1);
  const other = await request.post(`/api/events/${id}/purchases`, { data: { buyer: "Kim", quantity: 3 }, headers: { "idempotency-key": key } });
  expect(other.status()).toBe(422);
  expect((await other.json()).error.message).toMatch(/different request/);
  const sold = (await (await request.get(`/api/events/${id}`)).json()).sold;
  expect(sold).toBeGreaterThanOrEqual(2);
});

test.describe("bad purchase input gets a 4xx and buys nothing", () => {
  const cases: [string, unknown, number, RegExp][] = [
    ["quantity 0", { buyer: "L", quantity: 0 }, 422, /at least 1/],
    ["quantity 11", { buyer: "L", quantity: 11 }, 422, /at most 10/],
    ["quantity as a string", { buyer: "L", quantity: "2" }, 422, /quantity must be a number/],
    ["missing quantity", { buyer: "L" }, 422, /quantity must be a number/],
    ["missing buyer", { quantity: 1 }, 422, /buyer is required/],
    ["a 10,000-character buyer", { buyer: "x".repeat(10_000), quantity: 1 }, 422, /at most 120 characters/],
  ];
  for (const [what, body, status, message] of cases) {
    test(what, async ({ request }) => {
      const id = await create(request);
      const res = await request.post(`/api/events/${id}/purchases`, { data: body as object });
      expect(res.status()).toBe(status);
      expect((await res.json()).error.message).toMatch(message);
      const ev = await (await request.get(`/api/events/${id}`)).json();
      expect(ev.waiting).toEqual({ vip: 0, regular: 0 });
    });
  }

  test("malformed JSON, unknown event, unknown purchase", async ({ request }) => {
    const id = await create(request);
    const bad = await request.post(`/api/events/${id}/purchases`, { data: Buffer.from("{quantity:"), headers: { "content-type": "application/json" } });
    expect(bad.status()).toBe(400);
    expect((await request.post(`/api/events/999999/purchases`, { data: { buyer: "M", quantity: 1 } })).status()).toBe(404);
    expect((await request.get(`/api/purchases/p_doesnotexist00000`)).status()).toBe(404);
    expect((await request.get(`/api/purchases/42`)).status()).toBe(404);
  });

  test("a VIP purchase from a non-admin caller is a 403", async ({ request }) => {
    const id = await create(request);
    const res = await request.post(`/api/events/${id}/purchases`, { data: { buyer: "N", quantity: 1, vip: true }, headers: { authorization: "", "x-forwarded-for": "203.0.113.9" } });
    expect(res.status()).toBe(403);
    expect((await res.json()).error.code).toBe("forbidden");
    expect((await (await request.get(`/api/events/${id}`)).json()).waiting).toEqual({ vip: 0, regular: 0 });
  });
});

test("a flood of purchases from one address is told to slow down (429) however it rotates X-Forwarded-For, and buys nothing more", async ({ request }) => {
  const id = await create(request);
  const answers = [];
  for (let i = 0; i < 8; i++) {
    // A new forged address each time: the limit is keyed on the socket's address, not on this header.
    const headers = { authorization: "", "x-forwarded-for": `198.51.100.${i + 1}`, prefer: "wait=0" };
    answers.push(await request.post(`/api/events/${id}/purchases`, { data: { buyer: `Flood ${i}`, quantity: 1 }, headers }));
  }
  const codes = answers.map((a) => a.status());
  expect(codes.every((c) => c === 202 || c === 429), codes.join()).toBe(true);
  expect(codes.filter((c) => c === 202).length).toBeLessThanOrEqual(5); // the burst, or what earlier tests left of it
  expect(codes.at(-1)).toBe(429);
  const limited = answers.find((a) => a.status() === 429)!;
  expect(Number(limited.headers()["retry-after"])).toBeGreaterThan(0);
  expect((await limited.json()).error.code).toBe("rate_limited");
  const ev = await (await request.get(`/api/events/${id}`)).json();
  expect(ev.waiting.regular).toBe(codes.filter((c) => c === 202).length);
});

test("1,000 concurrent API purchases while the simulation runs: every ticket has exactly one owner", async ({ request }) => {
  test.setTimeout(120_000);
  const id = await create(request, { name: "Rush", totalTickets: 2_500, maxTicketCapacity: 100, ticketReleaseRate: 250, customerRetrievalRate: 10, vendors: 4, customers: 20, vipCustomers: 2 });
  await request.post(`/api/events/${id}/start`, { data: {} });
  const answers = await Promise.all(
    Array.from({ length: 1_000 }, (_, i) =>
      request.post(`/api/events/${id}/purchases`, { data: { buyer: `Rusher ${i}`, quantity: 1 + (i % 2), vip: i % 10 === 0 }, headers: { prefer: "wait=30" }, timeout: 60_000 }),
    ),
  );
  const codes = answers.map((a) => a.status());
  expect(codes.filter((c) => ![201, 409].includes(c))).toEqual([]);
  const bodies = await Promise.all(answers.map((a) => a.json()));
  const realTickets: number[] = bodies.filter((_, i) => codes[i] === 201).flatMap((b) => b.ticketIds);
  expect(new Set(realTickets).size).toBe(realTickets.length);
  for (const [i, b] of bodies.entries()) if (codes[i] === 201) expect(b.ticketIds).toHaveLength(b.quantity);

  await expect.poll(async () => (await (await request.get(`/api/events/${id}`)).json()).status, { timeout: 60_000 }).toBe("SOLD_OUT");
  const ev = await (await request.get(`/api/events/${id}`)).json();
  const simulated = ev.customers.reduce((s: number, c: { bought: number }) => s + c.bought, 0);
  expect(ev.sold).toBe(2_500);
  expect(simulated + realTickets.length).toBe(ev.sold);
  expect(codes.filter((c) => c === 201).length).toBeGreaterThan(300);
});
