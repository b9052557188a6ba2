import { expect, test, type Page } from "@playwright/test";

// What another website, or a browser, can and cannot do with this app: every page carries its
// security headers and works under its content security policy; a cross-site form cannot
// change anything (it can send only form encodings or text/plain).

async function newEvent(request: import("@playwright/test").APIRequestContext) {
  const res = await request.post("/api/events", { data: { name: "Guarded sale", totalTickets: 50, maxTicketCapacity: 10, ticketReleaseRate: 5, customerRetrievalRate: 1, vendors: 1, customers: 1 } });
  expect(res.status()).toBe(201);
  return (await res.json()) as { id: number };
}

function cspErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (m) => {
    if (/Content[ -]Security[ -]Policy|Refused to (execute|load|apply|connect)/i.test(m.text())) errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(e.message));
  return errors;
}

test("every page carries its security headers and works under its content security policy", async ({ page, request }) => {
  const { id } = await newEvent(request);
  const errors = cspErrors(page);
  for (const path of ["/", `/events/${id}`, `/events/${id}/buy`, `/events/${id}/analytics`, `/events/${id}/logs`, `/events/${id}/runs`, "/sign-in"]) {
    const res = await page.goto(path);
    const h = res!.headers();
    expect(h["content-security-policy"], path).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
    expect(h["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(h["x-content-type-options"]).toBe("nosniff");
    expect(h["x-frame-options"]).toBe("DENY");
    expect(h["referrer-policy"]).toBe("same-origin");
  }
  // The dashboard's scripts ran (hydrated and connected its live stream) under the policy.
  await page.goto(`/events/${id}`);
  await expect(page.getByTestId("connection")).toContainText(/live/i);
  await page.goto(`/events/${id}/buy`);
  await page.getByLabel(/Your name/i).fill("Csp Tester");
  await expect(page.getByLabel(/Your name/i)).toHaveValue("Csp Tester");
  // The history pages' charts and lists render under the policy too.
  for (const path of [`/events/${id}/analytics`, `/events/${id}/logs`, `/events/${id}/runs`]) {
    await page.goto(path);
    await page.waitForLoadState("networkidle");
  }
  expect(errors).toEqual([]);
});

test("a state change that is not JSON — what a cross-site form sends — is refused with 415 and changes nothing", async ({ request }) => {
  const { id } = await newEvent(request);
  for (const contentType of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""]) {
    const res = await request.post(`/api/events/${id}/start`, { headers: { "content-type": contentType }, data: Buffer.from("") });
    expect(res.status(), contentType).toBe(415);
    expect((await res.json()).error.code).toBe("unsupported_media_type");
    const buy = await request.post(`/api/events/${id}/purchases`, { headers: { "content-type": contentType }, data: Buffer.from('{"buyer":"Eve","quantity":1}') });
    expect(buy.status(), contentType).toBe(415);
  }
  expect((await (await request.get(`/api/events/${id}`)).json()).status).toBe("IDLE");
});

test("API answers carry nosniff, and an API error is JSON, never HTML", async ({ request }) => {
  for (const path of ["/api/events/<script>alert(1)</script>", "/api/events/%3Cimg%20src%3Dx%3E", "/api/nothing/here"]) {
    const res = await request.get(path);
    expect(res.status(), path).toBe(404);
    expect(res.headers()["content-type"], path).toMatch(/application\/json/);
    expect(res.headers()["x-content-type-options"]).toBe("nosniff");
    expect((await res.json()).error.code).toBe("not_found");
  }
});

test("text a user typed is shown as text, never run as HTML", async ({ page, request }) => {
  const name = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>`;
  const res = await request.post("/api/events", { data: { name, totalTickets: 10, maxTicketCapacity: 5, ticketReleaseRate: 1, customerRetrievalRate: 1 } });
  expect(res.status()).toBe(201);
  const { id } = await res.json();
  for (const path of ["/", `/events/${id}`, `/events/${id}/buy`]) {
    await page.goto(path);
    await expect(page.getByText(name).first()).toBeVisible();
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator("img[src=x]").count()).toBe(0);
  }
});
