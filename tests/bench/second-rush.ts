// Runs a sale whose simulated customers hold and abandon 40 % of their holds against a server
// that is already listening, waits for the sell-out, and saves the analytics page as a PNG:
//   node --import tsx tests/bench/second-rush.ts http://127.0.0.1:3391 public/screenshots/second-rush.png
// (the README's screenshot). Settings: real hold times (30 s hold, 10 s to confirm).
import { chromium } from "@playwright/test";

const [base = "http://127.0.0.1:3391", out = "public/screenshots/second-rush.png"] = process.argv.slice(2);
const json = { "content-type": "application/json" };

async function api<T>(path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base}${path}`, body === undefined ? {} : { method: "POST", headers: json, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

const settings = { name: "Second rush", totalTickets: 1_000, maxTicketCapacity: 1_000, ticketReleaseRate: 250, customerRetrievalRate: 20, vendors: 4, customers: 50, vipCustomers: 5, holdSeconds: 30, holdConfirmSeconds: 10, holdAbandonPercent: 40 };
const ev = await api<{ id: number }>("/api/events", settings);
await api(`/api/events/${ev.id}/start`, {});
const began = Date.now();
for (;;) {
  const now = await api<{ status: string; sold: number; held: number; available: number; released: number }>(`/api/events/${ev.id}`);
  console.log(`${Math.round((Date.now() - began) / 1000)} s: ${now.status} released ${now.released}, sold ${now.sold}, held ${now.held}, available ${now.available}`);
  if (now.status === "SOLD_OUT") break;
  if (Date.now() - began > 600_000) throw new Error("no sell-out in 10 minutes");
  await new Promise((r) => setTimeout(r, 5_000));
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"] });
const page = await browser.newPage({ viewport: { width: 1440, height: 1100 }, deviceScaleFactor: 1 });
await page.goto(`${base}/events/${ev.id}/analytics`);
await page.getByTestId("chart-rates").locator("path.recharts-line-curve").nth(2).waitFor();
await page.waitForTimeout(500);
await page.locator(".chart-grid").screenshot({ path: out });
const analytics = await api<{ points: { t: number; saleRate: number; held: number; returned: number }[]; soldOutMs: number }>(`/api/events/${ev.id}/analytics`);
console.log(JSON.stringify({ eventId: ev.id, soldOutMs: analytics.soldOutMs, points: analytics.points.filter((p) => p.saleRate > 0 || p.returned > 0).map((p) => [p.t / 1000, p.saleRate, p.held, p.returned]) }));
await browser.close();
