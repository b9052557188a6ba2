import "server-only";
import { PrismaMariaDb } from "@prisma/adapter-mariadb";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { env } from "@/lib/env";
import { parseDatabaseUrl } from "./url";

// One client per process, kept on globalThis so `next dev` hot reloads do not open new pools.
const holder = globalThis as unknown as { __ticketingPrisma?: PrismaClient };

export function createPrisma(databaseUrl: string, connectionLimit: number): PrismaClient {
  const cfg = parseDatabaseUrl(databaseUrl);
  const adapter = new PrismaMariaDb({ ...cfg, connectionLimit, allowPublicKeyRetrieval: true });
  return new PrismaClient({ adapter });
}

export function db(): PrismaClient {
  holder.__ticketingPrisma ??= createPrisma(env().DATABASE_URL, env().DB_POOL_SIZE);
  return holder.__ticketingPrisma;
}

export async function closeDb(): Promise<void> {
  const client = holder.__ticketingPrisma;
  holder.__ticketingPrisma = undefined;
  await client?.$disconnect();
}
