import { expect, test, type Page } from "@playwright/test";

// A buyer holds tickets on the buyer page: the held tickets, a countdown, Confirm and Release.
// The shortest hold time an event may have (30 s) keeps the expiry case real: nothing in the
// app is sped up; the test just waits the 30 s out.

class BuyerPage {
  constructor(readonly page: Page) {}

  async open(eventId: number): Promise<void> {
    await this.page.goto(`/events/${eventId}/buy`);
  }

  async hold(buyer: string, quantity: string): Promise<void> {
    await this.page.getByLabel(/Your name/).fill(buyer);
    await this.page.getByLabel(/Quantity/).selectOption(quantity);
    await this.page.getByLabel("Hold, then confirm").check();
    await this.page.getByRole("button", { name: "Join the queue" }).click();
  }

  status() {
    return this.page.getByTestId("purchase-status");
  }
}

async function heldSale(request: import("@playwright/test").APIRequestContext, name: string): Promise<number> {
  const created = await request.post("/api/events", { data: { name, totalTickets: 50, maxTicketCapacity: 10, ticketReleaseRate: 50, customerRetrievalRate: 1, vendors: 1, holdSeconds: 30 } });
  expect(created.status()).toBe(201);
  const { id } = await created.json();
  await request.post(`/api/events/${id}/start`, { data: {} });
  return id;
}

test("hold → countdown → confirm: the held tickets become the buyer's", async ({ page, request }) => {
  const id = await heldSale(request, "Hold and confirm");
  const buyer = new BuyerPage(page);
  await buyer.open(id);
  await buyer.hold("Grace Hopper", "2");

  await expect(buyer.status()).toContainText(/HELD|held for you/i, { timeout: 20_000 });
  await expect(page.getByTestId("held-tickets").getByRole("listitem")).toHaveCount(2);
  const countdown = page.getByTestId("hold-countdown");
  await expect(countdown).toContainText(/0:[0-3]\d/);
  await page.screenshot({ path: "test-results/holds-buyer-held.png", fullPage: true });
  const first = await countdown.locator("time").innerText();
  await expect(countdown.locator("time")).not.toHaveText(first, { timeout: 5_000 }); // it counts down
  await page.getByRole("button", { name: "Confirm" }).click();

  await expect(buyer.status()).toContainText(/COMPLETED|You have 2 tickets/i);
  await expect(page.getByTestId("purchase-tickets").getByRole("listitem")).toHaveCount(2);
  const purchaseId = new URL(page.url()).searchParams.get("purchase");
  const p = await (await request.get(`/api/purchases/${purchaseId}`)).json();
  expect(p).toMatchObject({ buyer: "Grace Hopper", status: "COMPLETED", mode: "hold" });
  expect(p.holdToken).toBeUndefined();
  await request.post(`/api/events/${id}/stop`, { data: {} });
});

test("hold → expire → rejoin: the page says the hold expired and offers the queue again", async ({ page, request }) => {
  test.setTimeout(90_000);
  const id = await heldSale(request, "Hold and expire");
  const buyer = new BuyerPage(page);
  await buyer.open(id);
  await buyer.hold("Alan Turing", "1");
  await expect(buyer.status()).toContainText(/HELD|held for you/i, { timeout: 20_000 });
  await expect(page.getByRole("button", { name: "Release" })).toBeVisible();

  await expect(buyer.status()).toContainText(/EXPIRED|hold expired/i, { timeout: 45_000 });
  await expect(page.getByTestId("hold-expired")).toContainText(/went back to the queue/);
  await expect(page.getByRole("button", { name: "Confirm" })).toHaveCount(0);
  await expect(page.getByRole("heading", { name: "Join the queue again" })).toBeVisible();
  await page.screenshot({ path: "test-results/holds-buyer-expired.png", fullPage: true });

  await page.getByLabel("Buy now").check();
  await page.getByRole("button", { name: "Join the queue" }).click();
  await expect(buyer.status()).toContainText(/COMPLETED|You have 1 ticket/i, { timeout: 20_000 });
  await request.post(`/api/events/${id}/stop`, { data: {} });
});
