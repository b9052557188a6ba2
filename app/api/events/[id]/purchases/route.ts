import { readText, route } from "@/lib/server/route";
import { purchaseAnswer } from "@/lib/server/purchase-endpoint";

export const dynamic = "force-dynamic";

// 201 with the tickets when served within the wait budget (`Prefer: wait=N`, 0–30 s, default
// 10 s); 202 while still in line; 409 sold_out. `Idempotency-Key` makes retries safe. The same
// answers are served by `npm start`'s Node fast path (lib/server/purchase-endpoint.ts).
export const POST = route(async (req, ctx: { params: Promise<{ id: string }> }) => {
  const arrived = Date.now(); // the wait budget counts from here, whatever comes before the answer
  const a = await purchaseAnswer((await ctx.params).id, req.headers, () => readText(req), arrived);
  return new Response(a.body, { status: a.status, headers: a.headers });
});
