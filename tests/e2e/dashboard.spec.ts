import { expect, test, type Page } from "@playwright/test";

// An operator in a real browser: create an event, start it, watch it sell out live over SSE,
// then reset and stop — and the form refuses bad numbers inline.

class Dashboard {
  constructor(readonly page: Page) {}
  stat(name: "released" | "sold" | "available" | "waiting-vip" | "waiting-regular") {
    return this.page.getByTestId(`stat-${name}`);
  }
  async number(name: Parameters<Dashboard["stat"]>[0]): Promise<number> {
    return Number((await this.stat(name).innerText()).replace(/[^\d]/g, ""));
  }
  status() {
    return this.page.getByTestId("status");
  }
  button(name: "Start" | "Stop" | "Reset") {
    return this.page.getByRole("group", { name: "Run controls" }).getByRole("button", { name, exact: true });
  }
}

async function createEvent(page: Page, values: Record<string, string>) {
  await page.goto("/");
  await page.getByLabel(/^Event name/).fill(values.name);
  const labels: Record<string, RegExp> = {
    totalTickets: /^Total tickets/,
    maxTicketCapacity: /^Max ticket capacity/,
    ticketReleaseRate: /^Ticket release rate/,
    customerRetrievalRate: /^Customer retrieval rate/,
    vendors: /^Vendors/,
    customers: /^Customers/,
    vipCustomers: /^VIP customers/,
  };
  for (const [field, label] of Object.entries(labels)) {
    if (values[field] !== undefined) await page.getByLabel(label).fill(values[field]);
  }
  await page.getByRole("button", { name: "Create event" }).click();
}

test("an operator runs a sale to SOLD_OUT and watches it live", async ({ page }) => {
  await createEvent(page, { name: "E2E sale", totalTickets: "600", maxTicketCapacity: "20", ticketReleaseRate: "60", customerRetrievalRate: "15", vendors: "3", customers: "8", vipCustomers: "2" });
  await expect(page).toHaveURL(/\/events\/\d+$/);
  const d = new Dashboard(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("E2E sale");
  await expect(d.status()).toHaveText(/IDLE/);
  await expect(page.getByTestId("connection")).toHaveText(/Live/);
  await expect(page.getByTestId("vendors-table").getByRole("row")).toHaveCount(4);
  await expect(page.getByTestId("customers-table").getByRole("row")).toHaveCount(9);

  await d.button("Start").click();
  await expect(d.status()).toHaveText(/RUNNING/);
  // The counters move without a reload, through the stream.
  await expect.poll(() => d.number("sold")).toBeGreaterThan(0);
  const early = await d.number("sold");
  await expect.poll(() => d.number("sold")).toBeGreaterThan(early);
  expect(await d.number("available")).toBeLessThanOrEqual(20);
  await expect(page.getByRole("list", { name: "Live log" }).getByRole("listitem").first()).toBeVisible();

  await expect(d.status()).toHaveText(/SOLD_OUT/, { timeout: 30_000 });
  await expect(d.stat("sold")).toHaveText("600");
  await expect(d.stat("released")).toHaveText("600");
  await expect(d.stat("available")).toHaveText("0");
  await expect(page.getByTestId("sellout-progress")).toHaveAttribute("aria-valuenow", "600");
  await expect(page.getByRole("list", { name: "Live log" })).toContainText(/Sold out/);
  await expect(page.getByRole("list", { name: "Live log" }).getByText("VIP", { exact: true }).first()).toBeVisible();
  await expect(d.button("Start")).toBeDisabled();

  await d.button("Reset").click();
  await expect(d.status()).toHaveText(/IDLE/);
  await expect(page.getByTestId("run")).toContainText("2");
  await expect(d.stat("sold")).toHaveText("0");

  await d.button("Start").click();
  await expect(d.status()).toHaveText(/RUNNING/);
  await expect.poll(() => d.number("sold")).toBeGreaterThan(0);
  await d.button("Stop").click();
  await expect(d.status()).toHaveText(/STOPPED/);
  const atStop = await d.number("sold");
  await page.waitForTimeout(700);
  expect(await d.number("sold")).toBe(atStop);
  await expect(d.button("Stop")).toBeDisabled();
});

test("the form keeps bad numbers out with an error next to the field", async ({ page }) => {
  await createEvent(page, { name: "Too big a pool", totalTickets: "100", maxTicketCapacity: "150" });
  const capacity = page.getByLabel(/^Max ticket capacity/);
  await expect(capacity).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByText(/cannot exceed totalTickets/)).toBeVisible();
  await expect(page).toHaveURL(/\/$/);
  await expect(capacity).toHaveValue("150");

  await page.getByLabel(/^Total tickets/).fill("abc");
  await page.getByLabel(/^Ticket release rate/).fill("0");
  await page.getByRole("button", { name: "Create event" }).click();
  await expect(page.getByLabel(/^Ticket release rate/)).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByText(/at least 0.1 tickets\/s/)).toBeVisible();
});

test("the form asks for the simulated customers' holds with units, and says inline when the time to confirm is too long", async ({ page }) => {
  await page.goto("/");
  const abandon = page.getByLabel(/^Holds abandoned \(%\)/);
  const confirm = page.getByLabel(/^Time to confirm \(seconds\)/);
  await expect(abandon).toHaveValue("0");
  await expect(confirm).toHaveValue("0");
  await page.getByLabel(/^Hold time/).fill("30");
  await confirm.fill("30");
  await abandon.fill("101");
  await page.getByRole("button", { name: "Create event" }).click();
  await expect(confirm).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByText(/must be less than the hold time, holdSeconds \(30 s\)/)).toBeVisible();
  await expect(abandon).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByText(/holdAbandonPercent must be at most 100 %/)).toBeVisible();
  await expect(page).toHaveURL(/\/$/);
});

test("the dashboard says it is reconnecting when the stream drops, and recovers by itself", async ({ page, request }) => {
  const created = await request.post("/api/events", { data: { name: "Flaky network", totalTickets: 10, maxTicketCapacity: 5, ticketReleaseRate: 1, customerRetrievalRate: 1 } });
  const { id } = await created.json();
  await page.route("**/api/events/*/stream", (route) => route.abort());
  await page.goto(`/events/${id}`);
  await expect(page.getByTestId("connection")).toHaveText(/Reconnecting/);
  await page.unroute("**/api/events/*/stream");
  await expect(page.getByTestId("connection")).toHaveText(/Live/, { timeout: 20_000 });
});

test("an unknown event shows a not-found page", async ({ page }) => {
  const res = await page.goto("/events/987654");
  expect(res?.status()).toBe(404);
  await expect(page.getByText(/no event|not found/i).first()).toBeVisible();
});
