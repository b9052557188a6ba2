import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { E2E_ADMIN_TOKEN } from "../../playwright.config";

// The server's own output, as an operator reads it: JSON lines from the one logger, and never
// the admin token — not after requests that carry it, fail with it, or sign in with it.
test("the server logs JSON lines and never the admin token", async ({ request, page }) => {
  await request.post("/api/events", { data: "{ not json", headers: { "content-type": "application/json" } });
  await request.post(`/api/events/1/purchases`, { data: { buyer: E2E_ADMIN_TOKEN, quantity: 1 }, headers: { "idempotency-key": E2E_ADMIN_TOKEN } });
  await request.get(`/api/events/${E2E_ADMIN_TOKEN}`);
  await page.goto("/sign-in");
  await page.getByLabel("Admin token").fill(`${E2E_ADMIN_TOKEN}-wrong`);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText(/not the admin token/)).toBeVisible();

  const text = readFileSync(process.env.E2E_SERVER_LOG!, "utf8");
  expect(text).not.toContain(E2E_ADMIN_TOKEN);
  const lines = text.split("\n").filter((l) => l.startsWith("{"));
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) {
    const entry = JSON.parse(line) as { level: string; time: string; msg: string };
    expect(typeof entry.level).toBe("string");
    expect(typeof entry.msg).toBe("string");
  }
});
