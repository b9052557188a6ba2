import { AppError } from "@/lib/contracts/errors";
import { eventIdParam, isAdminRequest, json, parse, readJson, route } from "@/lib/server/route";
import { buy } from "@/lib/events/buy";
import { limitPurchases } from "@/lib/server/rate-limit";
import type { PurchaseView } from "@/lib/contracts/purchase";
import { idempotencyKeySchema, purchaseRequestSchema, waitBudgetMs } from "@/lib/contracts/purchase-input";

export const dynamic = "force-dynamic";

// 201 with the tickets when served within the wait budget (`Prefer: wait=N`, 0–30 s, default
// 10 s); 202 while still in line; 409 sold_out. `Idempotency-Key` makes retries safe.
export const POST = route(async (req, ctx: { params: Promise<{ id: string }> }) => {
  const arrived = Date.now(); // the wait budget counts from here, whatever comes before the answer
  const admin = isAdminRequest(req);
  limitPurchases(req.headers, admin);
  const eventId = await eventIdParam(ctx);
  const input = parse(purchaseRequestSchema, await readJson(req));
  if (input.vip && !admin) throw new AppError("forbidden", "Only an admin may buy in the VIP lane: drop \"vip\" or authenticate");
  const rawKey = req.headers.get("idempotency-key");
  let idempotencyKey: string | undefined;
  if (rawKey !== null) {
    const key = idempotencyKeySchema.safeParse(rawKey);
    if (!key.success) throw new AppError("bad_request", key.error.issues[0].message);
    idempotencyKey = key.data;
  }
  const { purchase, replayed } = await buy(eventId, input, { idempotencyKey, deadline: arrived + waitBudgetMs(req.headers.get("prefer")), source: "API" });
  return answer(purchase, replayed);
});

function answer(p: PurchaseView, replayed: boolean): Response {
  const headers = { location: `/api/purchases/${p.purchaseId}`, ...(replayed ? { "idempotent-replayed": "true" } : {}) };
  switch (p.status) {
    case "COMPLETED":
      return json(p, 201, headers);
    case "QUEUED":
      return json(p, 202, headers);
    case "SOLD_OUT":
      return json(new AppError("sold_out", "Sold out: no tickets were left for this purchase, and nothing was charged", { purchase: p }).toJSON(), 409, headers);
    case "CANCELLED":
      return json(new AppError("invalid_state", "This purchase was cancelled (its buyer left the queue, or the run was reset); use a new Idempotency-Key to buy again", { purchase: p }).toJSON(), 409, headers);
  }
}
