import { databaseAnswers } from "@/lib/db/client";
import { json } from "@/lib/server/route";
import { starting, STARTING_MESSAGE } from "@/lib/server/starting";

export const dynamic = "force-dynamic";

export async function GET() {
  // Not in service until its database is migrated (lib/server/starting.ts): a balancer waits.
  if (starting()) return json({ status: "starting", error: { code: "db_unavailable", message: STARTING_MESSAGE } }, 503);
  if (await databaseAnswers()) return json({ status: "ok" });
  return json({ status: "unavailable", error: { code: "db_unavailable", message: "The database is not answering" } }, 503);
}
