import { json, route } from "@/lib/server/route";
import { getPurchase } from "@/lib/purchases/read";

export const dynamic = "force-dynamic";

export const GET = route(async (_req, ctx: { params: Promise<{ pid: string }> }) => json(await getPurchase((await ctx.params).pid)));
