import { json } from "@/lib/server/route";
import { databaseUp } from "@/lib/server/db-health";
import { starting, STARTING_MESSAGE } from "@/lib/server/starting";

export const dynamic = "force-dynamic";

export async function GET() {
  // Not in service until its database is migrated (lib/server/starting.ts): a balancer waits.
  if (starting()) return json({ status: "starting", error: { code: "db_unavailable", message: STARTING_MESSAGE } }, 503);
  // The shared probe (at most one a second, 1.5 s at most): a database that is gone — a Galera
  // node killed or cut off — is said within 1.5 s, not after the pool's 10 s wait for a connection.
  if (await databaseUp()) return json({ status: "ok" });
  return json({ status: "unavailable", error: { code: "db_unavailable", message: "The database is not answering" } }, 503);
}
