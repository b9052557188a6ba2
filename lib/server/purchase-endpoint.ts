import "server-only";
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { AppError } from "@/lib/contracts/errors";
import { parseId } from "@/lib/contracts/ids";
import type { PurchaseView } from "@/lib/contracts/purchase";
import { idempotencyKeySchema, purchaseRequestSchema, waitBudgetMs } from "@/lib/contracts/purchase-input";
import { buy } from "@/lib/events/buy";
import { errorAnswer } from "@/lib/platform/http-error";
import type { HeaderSource } from "./auth";
import { limitBuyer, limitPurchases } from "./rate-limit";
import { isAdminRequest, jsonOf, parse, readNodeBody, requireJsonBody } from "./route";
import { refuseWhileDraining } from "./shutdown";

// POST /api/events/{id}/purchases, once, for both ways it is served: straight from the Node
// server by the app's front (lib/server/front.ts), which spares each purchase the framework's
// per-request work, and the route handler where there is no front (Vercel's runtime). 201 with the tickets when served
// within the wait budget (`Prefer: wait=N`, 0–30 s, default 10 s, counted from the request's
// arrival); 202 while still in line; 409 sold_out. `Idempotency-Key` makes retries safe.
// With `"mode": "hold"` the 201 says HELD, with holdExpiresAt and the holdToken that confirm needs.

export type Answer = { status: number; headers: Record<string, string>; body: string };

export async function purchaseAnswer(rawId: string, headers: HeaderSource, body: () => Promise<string>, arrived: number): Promise<Answer> {
  requireJsonBody("POST", headers);
  const admin = await isAdminRequest({ headers });
  limitPurchases(headers, admin);
  const eventId = parseId(rawId, "event");
  const input = parse(purchaseRequestSchema, jsonOf(await body()));
  limitBuyer(eventId, input.buyer, admin);
  if (input.vip && !admin) throw new AppError("forbidden", "Only an admin may buy in the VIP lane: drop \"vip\" or authenticate");
  const rawKey = headers.get("idempotency-key");
  let idempotencyKey: string | undefined;
  if (rawKey !== null) {
    const key = idempotencyKeySchema.safeParse(rawKey);
    if (!key.success) throw new AppError("bad_request", key.error.issues[0].message);
    idempotencyKey = key.data;
  }
  const { purchase, replayed } = await buy(eventId, input, { idempotencyKey, deadline: arrived + waitBudgetMs(headers.get("prefer")), source: "API", caller: admin ? "admin" : "public" });
  return answerFor(purchase, replayed);
}

function answerFor(p: PurchaseView, replayed: boolean): Answer {
  const headers = { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", location: `/api/purchases/${p.purchaseId}`, ...(replayed ? { "idempotent-replayed": "true" } : {}) };
  switch (p.status) {
    case "COMPLETED":
    case "HELD":
      return { status: 201, headers, body: JSON.stringify(p) };
    case "QUEUED":
      return { status: 202, headers, body: JSON.stringify(p) };
    case "SOLD_OUT":
      return { status: 409, headers, body: JSON.stringify(new AppError("sold_out", "Sold out: no tickets were left for this purchase, and nothing was charged", { purchase: p }).toJSON()) };
    case "CANCELLED":
      return { status: 409, headers, body: JSON.stringify(new AppError("invalid_state", "This purchase was cancelled (its buyer left the queue or released the hold, or the run was reset); use a new Idempotency-Key to buy again", { purchase: p }).toJSON()) };
    case "EXPIRED":
      return { status: 409, headers, body: JSON.stringify(new AppError("hold_expired", "This hold expired before it was confirmed; use a new Idempotency-Key to join the queue again", { purchase: p }).toJSON()) };
  }
}

/** A Node request's headers as auth and the rate limit read them (the front has stamped what it saw on the socket). */
function nodeHeaders(req: IncomingMessage): HeaderSource {
  return {
    get(name: string): string | null {
      const v = req.headers[name.toLowerCase()];
      if (v === undefined) return null;
      return Array.isArray(v) ? v.join(", ") : v;
    },
  };
}

/** POST /api/events/{id}/purchases on a Node request: the same answers as the route handler. */
export async function purchaseNode(req: IncomingMessage, res: ServerResponse, rawId: string): Promise<void> {
  const arrived = Date.now();
  const headers = nodeHeaders(req);
  let answer: Answer;
  try {
    refuseWhileDraining();
    answer = await purchaseAnswer(rawId, headers, () => readNodeBody(req), arrived);
  } catch (err) {
    answer = errorAnswer(err, { method: "POST", path: req.url ?? "", requestId: headers.get("x-request-id")?.slice(0, 100) || randomUUID() });
  }
  res.writeHead(answer.status, answer.headers);
  res.end(answer.body);
}
