import { json, route } from "@/lib/server/route";
import { cancelPurchase } from "@/lib/purchases/cancel";

export const dynamic = "force-dynamic";

// Leaving the queue needs only the purchase's id: it is random, and only its buyer was given it.
export const POST = route(async (_req, ctx: { params: Promise<{ pid: string }> }) => json(await cancelPurchase((await ctx.params).pid)));
