// One error type for the whole app: a code a program can match, an HTTP status, and a
// message a person can act on. Anything else that escapes is logged and shown as a 500
// without internals.
export type ErrorCode =
  | "bad_request"
  | "malformed_json"
  | "payload_too_large"
  | "unsupported_media_type"
  | "validation_failed"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "invalid_state"
  | "sold_out"
  | "hold_expired"
  | "rate_limited"
  | "db_unavailable"
  | "overloaded"
  | "shutting_down"
  | "internal";

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  malformed_json: 400,
  payload_too_large: 413,
  unsupported_media_type: 415,
  validation_failed: 422,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  invalid_state: 409,
  sold_out: 409,
  hold_expired: 409,
  rate_limited: 429,
  overloaded: 503,
  shutting_down: 503,
  db_unavailable: 503,
  internal: 500,
};

// Next builds several module graphs (instrumentation, route handlers, pages), and a module
// loaded in two of them is two modules: an AppError thrown by the engine (loaded by
// instrumentation.ts) is not `instanceof` the AppError class a route handler imports. So an
// AppError is recognised by a brand that every copy of this file shares (`Symbol.for` is one
// symbol per process), never by class identity. `instanceof AppError` is brand-based too.
const APP_ERROR = Symbol.for("ticketing.AppError");

export class AppError extends Error {
  readonly status: number;
  readonly [APP_ERROR] = true;
  static [Symbol.hasInstance](value: unknown): boolean {
    return isAppError(value);
  }
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "AppError";
    this.status = STATUS[code];
  }

  toJSON() {
    return { error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) } };
  }
}

/**
 * True for errors that mean "the database is not answering" rather than "the request is wrong" —
 * also a Galera node out of its primary component (1047), or a conflict still there after every
 * retry (lib/db/conflict.ts): a 503 the caller may retry, never a 500.
 */
export function isDbUnavailable(err: unknown): boolean {
  const text = `${(err as { code?: string })?.code ?? ""} ${(err as Error)?.message ?? ""}`;
  // The mariadb driver (under Prisma) names a lost connection by its own codes: 45001 closed, 45004 destroyed, 45009 socket closed
  // unexpectedly (the server was killed mid-query), 45012 connect timeout, 45013 closed, 45019 socket error, 45026 socket timeout,
  // 45028 no connection from the pool in time, 45030 / 45039 the session's first statement failed or timed out.
  return /ECONNREFUSED|ETIMEDOUT|ECONNRESET|EPIPE|EHOSTUNREACH|PROTOCOL_CONNECTION_LOST|ER_CON_COUNT|pool timeout|Connection closed|closed state|socket has unexpectedly been closed|socket timeout|connect ETIMEDOUT|Can't connect|DatabaseNotReachable|P1001|P2024|P2028|Unable to start a transaction|\b450(?:01|04|09|12|13|19|26|28|30|39)\b|WSREP has not yet prepared node|\b1047\b|Deadlock found|P2034|Lock wait timeout exceeded/i.test(text);
}

/** Whether a value is an AppError made by any copy of this module (see the brand above). */
export function isAppError(value: unknown): value is AppError {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[APP_ERROR] === true && typeof (value as AppError).code === "string" && typeof (value as AppError).status === "number";
}

/** Whether a value is an AppError with this code (from any bundle). */
export function hasCode(value: unknown, code: ErrorCode): value is AppError {
  return isAppError(value) && value.code === code;
}

export function toAppError(err: unknown): AppError {
  if (isAppError(err)) return err;
  if (isDbUnavailable(err)) return new AppError("db_unavailable", "The database is not answering; try again in a moment");
  return new AppError("internal", "Something went wrong on our side; it has been logged");
}
