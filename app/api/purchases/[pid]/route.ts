import { json, route } from "@/lib/server/route";
import { readPurchase } from "@/lib/events/holds";

export const dynamic = "force-dynamic";

export const GET = route(async (_req, ctx: { params: Promise<{ pid: string }> }) => json(await readPurchase((await ctx.params).pid)));
