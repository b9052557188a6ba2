import { expect, test } from "@playwright/test";

// The operator manages vendors and customers on the dashboard while the sale runs.

test("an operator adds, pauses, resumes and removes actors during a running sale", async ({ page, request }) => {
  const created = await request.post("/api/events", {
    data: { name: "Managed sale", totalTickets: 100_000, maxTicketCapacity: 50, ticketReleaseRate: 20, customerRetrievalRate: 30, vendors: 2, customers: 3, vipCustomers: 0 },
  });
  const { id } = await created.json();
  await request.post(`/api/events/${id}/start`, { data: {} });
  await page.goto(`/events/${id}`);
  const vendors = page.getByTestId("vendors-table");
  const customers = page.getByTestId("customers-table");

  // Add a vendor with its own rate, and a VIP customer; a bad rate is refused inline.
  const addVendor = page.getByTestId("add-vendor-form");
  await addVendor.getByLabel("Vendor name").fill("Night shift");
  await addVendor.getByLabel(/Vendor rate/).fill("0");
  await addVendor.getByRole("button", { name: "Add vendor" }).click();
  await expect(addVendor.getByLabel(/Vendor rate/)).toHaveAttribute("aria-invalid", "true");
  await expect(addVendor).toContainText(/at least 0.1 tickets\/s/);
  await addVendor.getByLabel(/Vendor rate/).fill("40");
  await addVendor.getByRole("button", { name: "Add vendor" }).click();
  const night = vendors.getByRole("row", { name: /Night shift/ });
  await expect(night).toContainText("40");
  const released = async (name: string) => (await (await request.get(`/api/events/${id}`)).json()).vendors.find((v: { name: string }) => v.name === name)?.released ?? 0;
  await expect.poll(() => released("Night shift"), { timeout: 15_000 }).toBeGreaterThan(0);

  const addCustomer = page.getByTestId("add-customer-form");
  await addCustomer.getByLabel("Customer name").fill("Patron");
  await addCustomer.getByLabel("VIP").check();
  await addCustomer.getByRole("button", { name: "Add customer" }).click();
  await expect(customers.getByRole("row", { name: /Patron/ })).toContainText("VIP");

  // Pause a vendor: it stops releasing; resume it.
  await page.getByRole("button", { name: "Pause Vendor 1" }).click();
  const v1 = vendors.getByRole("row", { name: /Vendor 1\b/ });
  await expect(v1).toContainText(/paused/);
  const atPause = (await (await request.get(`/api/events/${id}`)).json()).vendors.find((v: { name: string }) => v.name === "Vendor 1");
  expect(atPause.paused).toBe(true);
  await page.waitForTimeout(600);
  const later = (await (await request.get(`/api/events/${id}`)).json()).vendors.find((v: { name: string }) => v.name === "Vendor 1");
  expect(later.released).toBe(atPause.released);
  await page.getByRole("button", { name: "Resume Vendor 1" }).click();
  await expect(v1).toContainText(/working|waiting/);

  // Remove a customer: the row goes, and the API no longer lists it.
  await page.getByRole("button", { name: "Remove Customer 2" }).click();
  await expect(customers.getByRole("row", { name: /Customer 2\b/ })).toHaveCount(0);
  const ev = await (await request.get(`/api/events/${id}`)).json();
  expect(ev.customers.map((c: { name: string }) => c.name)).not.toContain("Customer 2");
  await request.post(`/api/events/${id}/stop`, { data: {} });
});

test("before the start, every actor says the sale has not started; 'paused' is only for one someone paused", async ({ page, request }) => {
  const created = await request.post("/api/events", {
    data: { name: "Not yet", totalTickets: 100, maxTicketCapacity: 10, ticketReleaseRate: 5, customerRetrievalRate: 5, vendors: 2, customers: 2, vipCustomers: 0 },
  });
  const { id } = await created.json();
  await page.goto(`/events/${id}`);
  const vendors = page.getByTestId("vendors-table");
  const customers = page.getByTestId("customers-table");
  for (const table of [vendors, customers]) {
    await expect(table.locator("[data-state]")).toHaveCount(2);
    await expect(table.locator('[data-state="NOT_STARTED"]')).toHaveCount(2);
    await expect(table).not.toContainText(/paused/);
  }
  await page.getByRole("button", { name: "Pause Vendor 1" }).click();
  await expect(vendors.getByRole("row", { name: /Vendor 1\b/ })).toContainText("paused");
  await expect(vendors.getByRole("row", { name: /Vendor 2\b/ })).toContainText("not started");
  await page.screenshot({ path: "test-results/actors-idle.png", fullPage: true });
});
