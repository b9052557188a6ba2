import "server-only";
import { PrismaMariaDb } from "@prisma/adapter-mariadb";
import { PrismaClient, type Prisma } from "@/lib/generated/prisma/client";
import { env } from "@/lib/platform/env";
import { dropSingleton, singleton } from "@/lib/platform/singleton";
import { retryConflicts } from "./conflict";
import { closeReads } from "./read";
import { CAUSAL_READS, closeSql } from "./sql";
import { parseDatabaseUrl } from "./url";

// The one Prisma client of the process (the only place that creates one), on the process
// registry so `next dev` hot reloads do not open new pools.

/** A transaction (or the client itself) for functions that run their SQL inside someone's transaction. */
export type Tx = Prisma.TransactionClient;

function createPrisma(databaseUrl: string, connectionLimit: number): PrismaClient {
  const cfg = parseDatabaseUrl(databaseUrl);
  // The text protocol: with the binary one, the adapter prepares, executes and closes a
  // statement for every query it sends (its prepare cache is off), which cost more than the
  // query itself on the hot path; values are escaped by the driver either way.
  // initSql: on a Galera cluster, reads wait for the node to apply what other nodes committed (sql.ts CAUSAL_READS).
  const adapter = new PrismaMariaDb({ ...cfg, connectionLimit, allowPublicKeyRetrieval: true, initSql: CAUSAL_READS }, { useTextProtocol: true });
  const client = new PrismaClient({ adapter });
  // Interactive transactions (controls, confirmations, the log of a takeover) run again on a
  // deadlock or a Galera certification failure, as the hot path's do (lib/db/conflict.ts).
  const transaction = client.$transaction.bind(client) as (arg: unknown, options?: unknown) => Promise<unknown>;
  (client as { $transaction: unknown }).$transaction = (arg: unknown, options?: unknown) => (typeof arg === "function" ? retryConflicts("prisma", () => transaction(arg, options)) : transaction(arg, options));
  return client;
}

export function db(): PrismaClient {
  return singleton("prisma", () => createPrisma(env().DATABASE_URL, env().DB_POOL_SIZE));
}

export async function closeDb(): Promise<void> {
  await Promise.all([closeSql(), closeReads()]);
  await dropSingleton<PrismaClient>("prisma")?.$disconnect();
}

/** Whether the database answers a trivial query now (GET /api/health). */
export async function databaseAnswers(): Promise<boolean> {
  try {
    await db().$queryRawUnsafe("SELECT 1");
    return true;
  } catch {
    return false;
  }
}
