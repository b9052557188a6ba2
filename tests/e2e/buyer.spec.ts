import { expect, test } from "@playwright/test";

// A person buys on the public buyer page while the simulation runs, sees their tickets, and
// the operator's dashboard shows the purchase live.

test("a buyer joins the queue during a running sale, gets tickets, and the dashboard shows it", async ({ page, browser, request }) => {
  const created = await request.post("/api/events", {
    data: { name: "Open sale", totalTickets: 4_000, maxTicketCapacity: 40, ticketReleaseRate: 10, customerRetrievalRate: 2, vendors: 2, customers: 5, vipCustomers: 1 },
  });
  const { id } = await created.json();
  await request.post(`/api/events/${id}/start`, { data: {} });

  const operator = await browser.newPage();
  await operator.goto(`/events/${id}`);
  await expect(operator.getByTestId("connection")).toHaveText(/Live/);

  await page.goto(`/events/${id}/buy`);
  await expect(page.getByTestId("buy-event-status")).toContainText(/RUNNING|on sale/i);
  await expect(page.getByRole("button", { name: "Start" })).toHaveCount(0);
  await page.getByLabel(/Your name/).fill("Margaret Hamilton");
  await page.getByLabel(/Quantity/).selectOption("3");
  await page.getByRole("button", { name: "Join the queue" }).click();

  await expect(page.getByTestId("purchase-status")).toContainText(/COMPLETED|You have 3 tickets/i, { timeout: 20_000 });
  const tickets = page.getByTestId("purchase-tickets").getByRole("listitem");
  await expect(tickets).toHaveCount(3);
  const firstTicket = (await tickets.first().innerText()).replace(/[^\d]/g, "");

  // The operator sees the real buyer's purchase in the live log, without a reload.
  await expect(operator.getByRole("list", { name: "Live log" })).toContainText("Margaret Hamilton", { timeout: 15_000 });
  await expect(operator.getByRole("list", { name: "Live log" })).toContainText(firstTicket);

  // The API agrees: the tickets are hers and nobody else's.
  const url = new URL(page.url());
  const purchaseId = url.searchParams.get("purchase");
  expect(purchaseId).toMatch(/^p_/);
  const p = await (await request.get(`/api/purchases/${purchaseId}`)).json();
  expect(p).toMatchObject({ buyer: "Margaret Hamilton", quantity: 3, status: "COMPLETED" });
  expect(p.ticketIds.map(String)).toContain(firstTicket);
  await request.post(`/api/events/${id}/stop`, { data: {} });
});

test("a buyer waiting on a paused sale sees their place in line and can leave the queue", async ({ page, request }) => {
  const created = await request.post("/api/events", { data: { name: "Paused sale", totalTickets: 100, maxTicketCapacity: 10, ticketReleaseRate: 5, customerRetrievalRate: 1 } });
  const { id } = await created.json();
  await request.post(`/api/events/${id}/purchases`, { data: { buyer: "Ahead", quantity: 1 }, headers: { prefer: "wait=0" } });
  await page.goto(`/events/${id}/buy`);
  await page.getByLabel(/Your name/).fill("Behind");
  await page.getByRole("button", { name: "Join the queue" }).click();
  await expect(page.getByTestId("purchase-status")).toContainText(/QUEUED|Waiting/i);
  await expect(page.getByTestId("purchase-position")).toContainText("2");
  await page.getByRole("button", { name: /Leave the queue/ }).click();
  await expect(page.getByTestId("purchase-status")).toContainText(/CANCELLED|left the queue/i);
});
