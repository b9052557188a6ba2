import { databaseAnswers } from "@/lib/db/client";
import { json } from "@/lib/server/route";

export const dynamic = "force-dynamic";

export async function GET() {
  if (await databaseAnswers()) return json({ status: "ok" });
  return json({ status: "unavailable", error: { code: "db_unavailable", message: "The database is not answering" } }, 503);
}
