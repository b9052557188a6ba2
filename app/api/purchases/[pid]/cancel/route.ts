import { holdActionSchema } from "@/lib/contracts/purchase-input";
import { cancelOrRelease } from "@/lib/events/holds";
import { json, parse, readText, jsonOf, route } from "@/lib/server/route";

export const dynamic = "force-dynamic";

// Leaving the queue needs only the purchase's id: it is random, and only its buyer was given it.
// A checkout hold is released only with its holdToken in the body (its id alone is not a secret).
export const POST = route(async (req, ctx: { params: Promise<{ pid: string }> }) => {
  const text = await readText(req);
  const body = text.trim() === "" ? {} : jsonOf(text);
  const holdToken = typeof body === "object" && body !== null && "holdToken" in body ? parse(holdActionSchema, body).holdToken : undefined;
  return json(await cancelOrRelease((await ctx.params).pid, holdToken));
});
