import { db } from "@/lib/db/client";
import { json } from "@/lib/server/route";

export const dynamic = "force-dynamic";

export async function GET() {
  try {
    await db().$queryRawUnsafe("SELECT 1");
    return json({ status: "ok" });
  } catch {
    return json({ status: "unavailable", error: { code: "db_unavailable", message: "The database is not answering" } }, 503);
  }
}
