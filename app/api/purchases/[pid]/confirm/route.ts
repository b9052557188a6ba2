import { holdActionSchema } from "@/lib/contracts/purchase-input";
import { confirmHold } from "@/lib/events/holds";
import { json, parse, readJson, route } from "@/lib/server/route";

export const dynamic = "force-dynamic";

// Confirming a hold needs its holdToken, not just its id: purchase ids are public (lists,
// exports, webhooks), the token went only to the buyer. Confirm is idempotent by the hold's
// own state (a repeat gets the same 200), so an Idempotency-Key is accepted and needs no row of its own.
export const POST = route(async (req, ctx: { params: Promise<{ pid: string }> }) => {
  const { holdToken } = parse(holdActionSchema, await readJson(req));
  return json(await confirmHold((await ctx.params).pid, holdToken));
});
