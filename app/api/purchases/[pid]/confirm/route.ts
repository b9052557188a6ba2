import { AppError } from "@/lib/contracts/errors";
import { holdActionSchema, idempotencyKeySchema } from "@/lib/contracts/purchase-input";
import { confirmHold } from "@/lib/events/holds";
import { json, parse, readJson, route } from "@/lib/server/route";

export const dynamic = "force-dynamic";

// Confirming a hold needs its holdToken, not just its id: purchase ids are public (lists,
// exports, webhooks), the token went only to the buyer. Confirm is idempotent by the hold's
// own state (a repeat gets the same 200), so an Idempotency-Key is accepted and needs no row of its own.
export const POST = route(async (req, ctx: { params: Promise<{ pid: string }> }) => {
  const key = req.headers.get("idempotency-key");
  if (key !== null && !idempotencyKeySchema.safeParse(key).success) throw new AppError("bad_request", "Idempotency-Key must be 1–255 visible ASCII characters");
  const { holdToken } = parse(holdActionSchema, await readJson(req));
  return json(await confirmHold((await ctx.params).pid, holdToken));
});
