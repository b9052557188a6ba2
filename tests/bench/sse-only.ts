// Quick run of the SSE part alone (development aid): npm run bench:sse
import { createTestDatabase } from "../helpers/database";
import { sseBench } from "./parts/sse";
import { ensureBuilt, startServer } from "./parts/server";

const log = (s: string) => console.log(s);
ensureBuilt(log);
const t = await createTestDatabase("benchsse");
const server = await startServer(t.url, 3312);
try {
  console.log(JSON.stringify(await sseBench(server, log, { clients: Number(process.env.CLIENTS ?? 5000), seconds: Number(process.env.SECONDS ?? 10) })));
} finally {
  await server.stop();
  await t.drop();
}
