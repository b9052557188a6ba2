import { AppError } from "@/lib/contracts/errors";
import { advanceRunning } from "@/lib/events/advance";
import { env } from "@/lib/platform/env";
import { json, route } from "@/lib/server/route";
import { sameSecret } from "@/lib/server/session";

export const dynamic = "force-dynamic";
export const maxDuration = 60;

/** Vercel Cron: `Authorization: Bearer $CRON_SECRET`; advances every running event (lib/events/advance.ts). */
export const GET = route(async (req) => {
  const secret = env().CRON_SECRET;
  const auth = req.headers.get("authorization") ?? "";
  if (!secret) throw new AppError("unauthorized", "The cron call needs CRON_SECRET set on this server, sent as Authorization: Bearer <CRON_SECRET>");
  if (!/^Bearer /i.test(auth) || !sameSecret(auth.slice(7).trim(), secret)) throw new AppError("unauthorized", "The cron call needs Authorization: Bearer <CRON_SECRET>");
  return json(await advanceRunning());
});
