import { toAppError } from "@/lib/contracts/errors";
import { logger } from "./logger";

// How any failure answers over HTTP, for every way a request is served (route handlers and
// the server's live-stream fast path): `{ error: { code, message, details? } }` with its status,
// `Retry-After` when the error says when, never a stack trace; what is not the caller's fault
// (a bug, a database outage) is logged with the request's context.

export type ErrorAnswer = { status: number; headers: Record<string, string>; body: string };

export function errorAnswer(err: unknown, request: { method: string; path: string; requestId: string }): ErrorAnswer {
  const e = toAppError(err);
  if (e.code === "internal" || e.code === "db_unavailable") logger().error({ err, ...request, code: e.code }, "request failed");
  const retryAfter = e.details?.retryAfter;
  return {
    status: e.status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...(retryAfter ? { "retry-after": String(retryAfter) } : {}) },
    body: JSON.stringify(e.toJSON()),
  };
}
