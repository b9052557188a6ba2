import { isAppError, toAppError } from "@/lib/contracts/errors";
import { logger } from "./logger";

// How any failure answers over HTTP, for every way a request is served (route handlers and
// the server's live-stream fast path): `{ error: { code, message, details? } }` with its status,
// `Retry-After` when the error says when, never a stack trace; what is not the caller's fault
// (a bug, a database outage) is logged with the request's context.

const DEFAULT_RETRY_AFTER_S = 5;

export type ErrorAnswer = { status: number; headers: Record<string, string>; body: string };

export function errorAnswer(err: unknown, request: { method: string; path: string; requestId: string }): ErrorAnswer {
  const e = toAppError(err);
  // A database error seen here is logged; a 503 the app decided on (it is starting) is not.
  if (e.code === "internal" || (e.code === "db_unavailable" && !isAppError(err))) logger().error({ err, ...request, code: e.code }, "request failed");
  // Every 503 says when to come back; a 401 says how to authenticate.
  const retryAfter = e.details?.retryAfter ?? (e.status === 503 ? DEFAULT_RETRY_AFTER_S : undefined);
  return {
    status: e.status,
    headers: {
      "content-type": "application/json; charset=utf-8",
      "cache-control": "no-store",
      ...(retryAfter ? { "retry-after": String(retryAfter) } : {}),
      ...(e.status === 401 ? { "www-authenticate": 'Bearer realm="ticketing"' } : {}),
    },
    body: JSON.stringify(e.toJSON()),
  };
}
