import "server-only";
import { db } from "./client";

// The server-side half of an operator's session (the cookie is the other half, signed in
// lib/server/session.ts): a row per signed-in browser, deleted at sign-out, so any instance
// refuses a revoked cookie at once.

export async function insertSession(id: string, expiresAt: Date): Promise<void> {
  await db().adminSession.create({ data: { id, expiresAt } });
  // Expired rows are of no use to anyone; sign-in is rare, so it sweeps them.
  await db().adminSession.deleteMany({ where: { expiresAt: { lt: new Date() } } });
}

export async function sessionLive(id: string, now = new Date()): Promise<boolean> {
  const row = await db().adminSession.findUnique({ where: { id }, select: { expiresAt: true } });
  return row !== null && row.expiresAt > now;
}

export async function deleteSession(id: string): Promise<void> {
  await db().adminSession.deleteMany({ where: { id } });
}
