import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import type { Analytics } from "../../lib/contracts/analytics";

// The history pages in a real browser: the analytics charts draw the run's real aggregates
// (as many points as the API returns, ending at its last value), they follow a running sale
// live, the logs page filters through the URL and pages by cursor, the runs page compares
// two runs, and the dashboard's Audit button shows the report.

async function soldOutEvent(request: APIRequestContext, name: string): Promise<number> {
  const res = await request.post("/api/events", { data: { name, totalTickets: 3_000, maxTicketCapacity: 60, ticketReleaseRate: 400, customerRetrievalRate: 60, vendors: 3, customers: 12, vipCustomers: 3 } });
  expect(res.status()).toBe(201);
  const { id } = (await res.json()) as { id: number };
  expect((await request.post(`/api/events/${id}/start`, { data: {} })).status()).toBe(200);
  await expect.poll(async () => ((await (await request.get(`/api/events/${id}`)).json()) as { status: string }).status, { timeout: 45_000 }).toBe("SOLD_OUT");
  return id;
}

/** The points of a recharts line: one "M" and one "L" per point after the first in its path. */
async function linePoints(page: Page, chart: string, series = 0): Promise<{ count: number; lastY: number }> {
  const d = await page.getByTestId(`chart-${chart}`).locator("path.recharts-line-curve").nth(series).getAttribute("d");
  const coords = [...(d ?? "").matchAll(/[ML]\s*(-?[\d.]+)[ ,](-?[\d.]+)/g)].map((m) => Number(m[2]));
  return { count: coords.length, lastY: coords[coords.length - 1] };
}

test("the analytics page charts a sold-out run from its real aggregates", async ({ page, request }) => {
  const id = await soldOutEvent(request, "E2E analytics");
  const api = (await (await request.get(`/api/events/${id}/analytics`)).json()) as Analytics;
  expect(api.points.length).toBeGreaterThan(5);
  expect(api.points.length).toBeLessThanOrEqual(300);
  await page.goto(`/events/${id}`);
  await page.getByRole("link", { name: "Analytics" }).click();
  await expect(page).toHaveURL(new RegExp(`/events/${id}/analytics$`));
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Analytics · E2E analytics");
  await expect(page.getByTestId("forecast")).toHaveText(/^sold out .* after the start$/);

  // Every line chart draws exactly the API's points.
  for (const chart of ["pool", "cumulative", "rates"]) {
    await expect(page.getByTestId(`chart-${chart}`).locator("path.recharts-line-curve").first()).toBeVisible();
    expect((await linePoints(page, chart)).count, chart).toBe(api.points.length);
  }
  // The cumulative "sold" line ends at the top: the total, where the reference line is.
  const sold = await linePoints(page, "cumulative", 1);
  const totalLineY = Number(await page.getByTestId("chart-cumulative").locator(".recharts-reference-line line").getAttribute("y1"));
  expect(Math.abs(sold.lastY - totalLineY)).toBeLessThan(1);
  // The pool line ends at zero: its last point lies on the x axis.
  const pool = await linePoints(page, "pool");
  const axisY = Number(await page.getByTestId("chart-pool").locator(".recharts-xAxis line.recharts-cartesian-axis-line").getAttribute("y1"));
  expect(Math.abs(pool.lastY - axisY)).toBeLessThan(1);
  await expect(page.getByTestId("chart-vendors").locator(".recharts-bar-rectangle")).toHaveCount(3);
  await expect(page.getByTestId("chart-buyers").locator(".recharts-bar-rectangle")).toHaveCount(10); // the top 10 of 12

  // The text alternative holds the same series.
  await page.getByText(/The charts as a table/).click();
  const rows = page.getByTestId("analytics-table").locator("tbody tr");
  await expect(rows).toHaveCount(api.points.length);
  await expect(rows.last().locator("td").nth(2)).toHaveText("3,000");
});

test("the analytics page follows a running sale live", async ({ page, request }) => {
  const res = await request.post("/api/events", { data: { name: "E2E live charts", totalTickets: 200_000, maxTicketCapacity: 100, ticketReleaseRate: 50, customerRetrievalRate: 10, vendors: 2, customers: 5, vipCustomers: 1 } });
  const { id } = (await res.json()) as { id: number };
  await page.goto(`/events/${id}/analytics`);
  await expect(page.getByTestId("analytics-empty")).toBeVisible();
  await request.post(`/api/events/${id}/start`, { data: {} });
  try {
    // The page opened before the start fills in by itself.
    await expect(page.getByTestId("chart-cumulative")).toBeVisible({ timeout: 15_000 });
    const first = Number(await page.getByTestId("chart-cumulative").getAttribute("data-last"));
    await expect.poll(async () => Number(await page.getByTestId("chart-cumulative").getAttribute("data-last")), { timeout: 15_000 }).toBeGreaterThan(first);
    await expect(page.getByTestId("forecast")).toHaveText(/sold out in ≈ /);
    await page.goto(`/events/${id}`);
    await expect(page.getByTestId("sell-out-forecast")).toHaveText(/Sold out in ≈ \d/, { timeout: 15_000 });
  } finally {
    await request.post(`/api/events/${id}/stop`, { data: {} });
  }
});

test("the logs page filters through the URL, pages by cursor and exports", async ({ page, request }) => {
  const id = await soldOutEvent(request, "E2E logs");
  await page.goto(`/events/${id}/logs`);
  await page.getByLabel("Kind").selectOption("SOLD");
  await page.getByLabel("VIP").selectOption("true");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(new RegExp(`/events/${id}/logs\\?kind=SOLD&vip=true$`));
  const expected = (await (await request.get(`/api/events/${id}/logs?kind=SOLD&vip=true&limit=1000`)).json()) as { entries: { id: string }[] };
  const viewport = page.getByTestId("log-viewport");
  await expect(viewport.locator(".log-line").first()).toHaveAttribute("data-id", expected.entries[0].id);
  await expect(viewport.locator(".log-line .log-kind").first()).toHaveText("SOLD");
  // Scrolled to the end, the older pages come by cursor until every row is loaded.
  for (let i = 0; i < 20 && !(await page.getByTestId("log-count").innerText()).includes("all loaded"); i++) {
    await viewport.evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await page.waitForTimeout(200);
  }
  await expect(page.getByTestId("log-count")).toHaveText(new RegExp(`^${expected.entries.length.toLocaleString("en-US")} rows loaded, all loaded`));
  // A shared link shows the same view; a bad filter in it is explained, not a crash.
  await page.goto(`/events/${id}/logs?kind=NOPE`);
  await expect(page.getByRole("alert").filter({ hasText: "kind" })).toHaveText(/^kind must be one or more of/);
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "↓ Tickets (CSV)" }).click();
  expect((await download).suggestedFilename()).toBe(`event-${id}-tickets.csv`);
});

test("the runs page compares two runs, and the dashboard's Audit button shows the report", async ({ page, request }) => {
  const id = await soldOutEvent(request, "E2E runs");
  expect((await request.post(`/api/events/${id}/reset`, { data: {} })).status()).toBe(200);
  await page.goto(`/events/${id}`);
  await page.getByRole("button", { name: "Audit" }).click();
  await expect(page.getByTestId("audit-verdict")).toHaveText(/^Passed: (\d+) of \1 checks hold/);
  await page.getByRole("link", { name: "Runs" }).click();
  await expect(page.getByTestId("runs-table").locator("tbody tr")).toHaveCount(2);
  const compare = page.getByTestId("compare-table");
  await expect(compare.getByRole("row", { name: /Released \/ sold/ })).toHaveText(/3,000 \/ 3,000.*0 \/ 0/);
  await expect(compare.getByRole("row", { name: /Configuration/ })).toContainText("3,000 tickets, pool 60");
  await expect(page.getByTestId("overlay-sold").locator("path.recharts-line-curve")).toHaveCount(1);
});

test("the logs page tails a running sale live", async ({ page, request }) => {
  const res = await request.post("/api/events", { data: { name: "E2E tail", totalTickets: 200_000, maxTicketCapacity: 100, ticketReleaseRate: 20, customerRetrievalRate: 5, vendors: 2, customers: 4, vipCustomers: 1 } });
  const { id } = (await res.json()) as { id: number };
  await request.post(`/api/events/${id}/start`, { data: {} });
  try {
    await page.goto(`/events/${id}/logs`);
    await expect(page.getByLabel("Follow new rows (live tail)")).toBeChecked();
    const top = page.getByTestId("log-viewport").locator(".log-line").first();
    const first = Number(await top.getAttribute("data-id"));
    await expect.poll(async () => Number(await top.getAttribute("data-id")), { timeout: 15_000 }).toBeGreaterThan(first);
    // Every row the tail added is a real row of the log, in order, with none missed.
    const shown = (await page.getByTestId("log-viewport").locator(".log-line").evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-id"))))).slice(0, 10);
    const api = (await (await request.get(`/api/events/${id}/logs?limit=1000&order=asc`)).json()) as { entries: { id: string }[] };
    const ids = api.entries.map((e) => Number(e.id));
    const at = ids.indexOf(shown[0]);
    expect(at).toBeGreaterThanOrEqual(0);
    expect(shown).toEqual(ids.slice(Math.max(0, at - 9), at + 1).reverse());
  } finally {
    await request.post(`/api/events/${id}/stop`, { data: {} });
  }
});

test("an unknown run's analytics is a not-found page", async ({ page, request }) => {
  const res = await request.post("/api/events", { data: { name: "E2E no run", totalTickets: 10, maxTicketCapacity: 5, ticketReleaseRate: 1, customerRetrievalRate: 1 } });
  const { id } = (await res.json()) as { id: number };
  const answer = await page.goto(`/events/${id}/analytics?run=5`);
  expect(answer?.status()).toBe(404);
});

test("the read API over HTTP: streamed exports with file names, metrics, and a 4xx for bad input", async ({ request }) => {
  const id = await soldOutEvent(request, "E2E exports");
  const csv = await request.get(`/api/events/${id}/tickets?format=csv&run=1`);
  expect(csv.status()).toBe(200);
  expect(csv.headers()["content-disposition"]).toBe(`attachment; filename="event-${id}-tickets-run-1.csv"`);
  const lines = (await csv.text()).trimEnd().split("\r\n");
  expect(lines[0]).toBe("id,run,vendorId,vendor,releasedAt,purchaseId,buyer,vip,soldAt");
  expect(lines).toHaveLength(3_001);
  const purchases = (await (await request.get(`/api/events/${id}/purchases?format=ndjson`)).text()).trimEnd().split("\n").map((l) => JSON.parse(l) as { tickets: number });
  expect(purchases.reduce((s, p) => s + p.tickets, 0)).toBe(3_000);
  const metrics = await (await request.get("/api/metrics")).text();
  expect(metrics).toContain(`ticketing_tickets_sold{event="${id}"} 3000`);
  for (const [path, status] of [
    [`/api/events/${id}/tickets?format=xml`, 400],
    [`/api/events/${id}/logs?limit=1000000000`, 400],
    [`/api/events/${id}/logs?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z`, 400],
    [`/api/events/${id}/logs?cursor=abc.def.ghi`, 400],
    [`/api/events/${id}/runs?run=2`, 404],
    ["/api/events/987654/purchases", 404],
  ] as const) {
    const res = await request.get(path);
    expect(res.status(), path).toBe(status);
    expect(((await res.json()) as { error: { message: string } }).error.message.length, path).toBeGreaterThan(10);
  }
});
