import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";

// Accessibility of every page, checked by axe-core in Chromium: no serious or critical
// violation on the event list, the dashboard, the buyer page, analytics, logs, runs and sign-in,
// with a sold-out run behind them so that the charts, tables and lists are all drawn.

async function violations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]).analyze();
  return result.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(" | ")}`);
}

test("no page has a serious or critical accessibility violation", async ({ page, request, browser }) => {
  const res = await request.post("/api/events", { data: { name: "E2E a11y", totalTickets: 1_500, maxTicketCapacity: 40, ticketReleaseRate: 300, customerRetrievalRate: 50, vendors: 2, customers: 6, vipCustomers: 2 } });
  const { id } = (await res.json()) as { id: number };
  await request.post(`/api/events/${id}/start`, { data: {} });
  await expect.poll(async () => ((await (await request.get(`/api/events/${id}`)).json()) as { status: string }).status, { timeout: 45_000 }).toBe("SOLD_OUT");

  const pages: [string, string, string][] = [
    ["event list", "/", "Create"],
    ["dashboard", `/events/${id}`, "E2E a11y"],
    ["buyer page", `/events/${id}/buy`, "E2E a11y"],
    ["analytics", `/events/${id}/analytics`, "Analytics"],
    ["logs", `/events/${id}/logs`, "Logs"],
    ["runs", `/events/${id}/runs`, "Runs"],
  ];
  const found: Record<string, string[]> = {};
  for (const [name, path, heading] of pages) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1 }).first()).toContainText(heading === "Create" ? /./ : heading);
    if (name === "analytics") await expect(page.getByTestId("chart-pool").locator("path.recharts-line-curve").first()).toBeVisible(); // the pool and, of it, the held tickets
    found[name] = await violations(page);
  }
  // Sign-in is seen by a visitor without the admin header.
  const visitor = await browser.newContext({ extraHTTPHeaders: {} });
  const signIn = await visitor.newPage();
  await signIn.goto("/sign-in");
  found["sign-in"] = await violations(signIn);
  await visitor.close();
  expect(found).toEqual({ "event list": [], dashboard: [], "buyer page": [], analytics: [], logs: [], runs: [], "sign-in": [] });
});
