// Runs `prisma generate` at install. The Prisma CLI insists on locating its native schema
// engine first even though generate never uses it; where the engine cannot be downloaded
// (offline machines, CI), point it at any existing file so generation still works.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: "1" };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY && !hasSchemaEngine()) {
  env.PRISMA_SCHEMA_ENGINE_BINARY = fileURLToPath(import.meta.url);
}
const result = spawnSync("npx", ["prisma", "generate"], { stdio: "inherit", env });
process.exit(result.status ?? 1);

function hasSchemaEngine() {
  const dir = new URL("../node_modules/@prisma/engines/", import.meta.url);
  return ["schema-engine-debian-openssl-3.0.x", "schema-engine-linux-static-x64"].some((f) =>
    existsSync(new URL(f, dir)),
  );
}
