import "server-only";
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { AppError } from "@/lib/contracts/errors";
import { env } from "@/lib/platform/env";

// A log page's `nextCursor`: the last log sequence number (`seq`) it returned, bound to the
// filters and the order it was read with, and signed, so that a cursor edited by hand, or
// carried to other filters, is refused (400) instead of silently skipping or repeating rows. The
// key derives from settings every instance shares, so any instance accepts a cursor another one
// gave out. Its label names the position it carries: cursors given out when pages went by row
// id were signed under another label, so one of those is refused too rather than read as a seq.

type CursorState = { after: bigint; scope: string };

function key(): Buffer {
  return createHash("sha256").update(`ticketing-log-cursor-seq\0${env().ADMIN_TOKEN ?? ""}\0${env().DATABASE_URL}`).digest();
}

function mac(body: string): string {
  return createHmac("sha256", key()).update(body).digest("base64url").slice(0, 22);
}

/** What a cursor is bound to: the event, the filters and the order, in a stable form. */
export function cursorScope(eventId: number, filters: Record<string, unknown>, order: string): string {
  const stable = Object.entries(filters)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v]);
  return createHash("sha256").update(JSON.stringify([eventId, order, stable])).digest("base64url").slice(0, 16);
}

export function encodeCursor(state: CursorState): string {
  const body = `${state.after.toString(36)}.${state.scope}`;
  return `${body}.${mac(body)}`;
}

export function decodeCursor(cursor: string, scope: string): bigint {
  const bad = (why: string) => new AppError("bad_request", `The cursor ${why}; start again from the first page`, { field: "cursor" });
  const parts = cursor.split(".");
  if (parts.length !== 3 || !/^[0-9a-z]{1,13}$/.test(parts[0])) throw bad("is not one this server gave out");
  const body = `${parts[0]}.${parts[1]}`;
  const expected = Buffer.from(mac(body));
  const given = Buffer.from(parts[2]);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw bad("has been altered or is not one this server gave out");
  if (parts[1] !== scope) throw bad("belongs to other filters");
  let after = 0n;
  for (const c of parts[0]) after = after * 36n + BigInt(parseInt(c, 36));
  return after;
}
