import "server-only";
import { randomUUID } from "node:crypto";
import type { z } from "zod";
import { AppError } from "@/lib/contracts/errors";
import { fieldErrors } from "@/lib/contracts/event-input";
import { parseId } from "@/lib/contracts/ids";
import { errorAnswer } from "@/lib/platform/http-error";
import { ADMIN_COOKIE, isAdmin, requireAdmin } from "./auth";

// Route handlers are thin: parse → check the caller → call lib → small JSON answer.
// This wraps them so that every failure is `{ error: { code, message, details? } }`, never a
// stack trace, and a database outage is a 503.

type Handler<C> = (req: Request, ctx: C) => Promise<Response>;

export function route<C>(handler: Handler<C>): Handler<C> {
  return async (req, ctx) => {
    try {
      return await handler(req, ctx);
    } catch (err) {
      const requestId = req.headers.get("x-request-id")?.slice(0, 100) || randomUUID();
      const answer = errorAnswer(err, { method: req.method, path: new URL(req.url).pathname, requestId });
      return new Response(answer.body, { status: answer.status, headers: answer.headers });
    }
  };
}

export function json(data: unknown, status = 200, headers?: HeadersInit): Response {
  return new Response(JSON.stringify(data), { status, headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers } });
}

const MAX_BODY = 64 * 1024;

export async function readJson(req: Request): Promise<unknown> {
  const declared = Number(req.headers.get("content-length") ?? 0);
  if (declared > MAX_BODY) throw new AppError("payload_too_large", `The request body is over ${MAX_BODY / 1024} KB`);
  const text = await req.text();
  if (text.length > MAX_BODY) throw new AppError("payload_too_large", `The request body is over ${MAX_BODY / 1024} KB`);
  if (text.trim() === "") throw new AppError("malformed_json", "The request body is empty; send a JSON object");
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("malformed_json", "The request body is not valid JSON");
  }
}

export function parse<S extends z.ZodType>(schema: S, data: unknown): z.infer<S> {
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new AppError("validation_failed", "The request body must be a JSON object");
  }
  const r = schema.safeParse(data);
  if (!r.success) {
    const fields = fieldErrors(r.error);
    throw new AppError("validation_failed", Object.values(fields)[0] ?? "The request is not valid", { fields });
  }
  return r.data;
}

/** The event id of an /api/events/{id}/… path; anything that is not one of our ids is a 404. */
export async function eventIdParam(ctx: { params: Promise<{ id: string }> }): Promise<number> {
  return parseId((await ctx.params).id, "event");
}

function cookieFrom(req: Request, name: string): string | undefined {
  const header = req.headers.get("cookie") ?? "";
  for (const part of header.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return decodeURIComponent(v.join("="));
  }
  return undefined;
}

export function requireAdminRequest(req: Request): void {
  requireAdmin(req.headers, cookieFrom(req, ADMIN_COOKIE));
}

export function isAdminRequest(req: Request): boolean {
  return isAdmin(req.headers, cookieFrom(req, ADMIN_COOKIE));
}
