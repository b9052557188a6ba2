import { expect, test } from "@playwright/test";
import { E2E_ADMIN_TOKEN } from "../../playwright.config";

// A browser without the admin header: the operator signs in through the form, which sets an
// httpOnly cookie; before that, admin actions are refused with a clear message.
test.use({ extraHTTPHeaders: {} });

test("an operator signs in with the admin token, acts, and signs out", async ({ page, playwright, baseURL }) => {
  const admin = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${E2E_ADMIN_TOKEN}` } });
  const { id } = await (await admin.post("/api/events", { data: { name: "Guarded", totalTickets: 100, maxTicketCapacity: 10, ticketReleaseRate: 5, customerRetrievalRate: 1 } })).json();

  await page.goto(`/events/${id}`);
  await expect(page.getByTestId("admin-mode-banner")).toHaveCount(0);
  await page.getByRole("group", { name: "Run controls" }).getByRole("button", { name: "Start", exact: true }).click();
  await expect(page.getByTestId("control-status")).toContainText(/sign in as the operator/);
  await expect(page.getByTestId("status")).toHaveText(/IDLE/);

  await page.getByRole("link", { name: "Sign in" }).click();
  await page.getByLabel("Admin token").fill("not-the-token");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText(/not the admin token/)).toBeVisible();
  await expect(page.getByLabel("Admin token")).toHaveAttribute("aria-invalid", "true");

  await page.getByLabel("Admin token").fill(E2E_ADMIN_TOKEN);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/$/);
  const cookie = (await page.context().cookies()).find((c) => c.name === "ticketing_admin");
  expect(cookie?.httpOnly).toBe(true);
  expect(cookie?.value).not.toContain(E2E_ADMIN_TOKEN);

  await page.goto(`/events/${id}`);
  await page.getByRole("group", { name: "Run controls" }).getByRole("button", { name: "Start", exact: true }).click();
  await expect(page.getByTestId("status")).toHaveText(/RUNNING/);
  await page.getByRole("group", { name: "Run controls" }).getByRole("button", { name: "Stop", exact: true }).click();
  await expect(page.getByTestId("status")).toHaveText(/STOPPED/);

  // The cookie works from the app's own origin, never from another site's page.
  const asCookie = { cookie: `ticketing_admin=${cookie!.value}`, "content-type": "application/json" };
  const bare = await playwright.request.newContext({ baseURL, extraHTTPHeaders: {} });
  expect((await bare.post(`/api/events/${id}/start`, { headers: { ...asCookie, origin: "https://evil.example" }, data: {} })).status()).toBe(403);
  expect((await bare.post(`/api/events/${id}/start`, { headers: { ...asCookie, "sec-fetch-site": "cross-site" }, data: {} })).status()).toBe(403);
  expect((await bare.post(`/api/events/${id}/start`, { headers: { ...asCookie, origin: baseURL! }, data: {} })).status()).toBe(200);
  expect((await bare.post(`/api/events/${id}/stop`, { headers: asCookie, data: {} })).status()).toBe(200);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();
  expect((await page.context().cookies()).find((c) => c.name === "ticketing_admin")).toBeUndefined();
  // A copy of the cookie kept from before sign-out is refused: the session is revoked on the server.
  const replay = await bare.post(`/api/events/${id}/reset`, { headers: asCookie, data: {} });
  expect(replay.status()).toBe(401);
  expect(replay.headers()["www-authenticate"]).toMatch(/^Bearer/);
  await bare.dispose();
  await admin.dispose();
});
