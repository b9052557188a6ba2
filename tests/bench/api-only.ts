// Quick run of the API part alone (development aid): npm run bench:api
import { createTestDatabase } from "../helpers/database";
import { apiBench } from "./parts/api";
import { ensureBuilt, startServer } from "./parts/server";

const log = (s: string) => console.log(s);
ensureBuilt(log);
const t = await createTestDatabase("benchapi");
const server = await startServer(t.url, 3310, { DB_POOL_SIZE: process.env.DB_POOL_SIZE ?? "20" });
try {
  console.log(JSON.stringify(await apiBench(server, log, { clients: Number(process.env.CLIENTS ?? 500), seconds: Number(process.env.SECONDS ?? 8), offered: Number(process.env.OFFERED ?? 1000) })));
} finally {
  await server.stop();
  await t.drop();
}
