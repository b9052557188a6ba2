import "server-only";
import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { z } from "zod";
import { AppError } from "@/lib/contracts/errors";
import { fieldErrors } from "@/lib/contracts/event-input";
import { parseId } from "@/lib/contracts/ids";
import { demand } from "@/lib/events/demand";
import { errorAnswer } from "@/lib/platform/http-error";
import { ADMIN_COOKIE, isAdmin, requireAdmin, type HeaderSource } from "./auth";
import { refuseWhileDraining } from "./shutdown";
import { refuseWhileStarting } from "./starting";

// Route handlers are thin: parse → check the caller → call lib → small JSON answer.
// This wraps them so that every failure is `{ error: { code, message, details? } }`, never a
// stack trace, and a database outage is a 503. A request that changes state must say its body
// is JSON (415 otherwise): a cross-site form can send only form encodings or text/plain, and a
// cross-site fetch of JSON needs a CORS preflight this app never grants.

type Handler<C> = (req: Request, ctx: C) => Promise<Response>;

export function route<C>(handler: Handler<C>): Handler<C> {
  return async (req, ctx) => {
    try {
      refuseWhileDraining();
      refuseWhileStarting();
      requireJsonBody(req.method, req.headers);
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

export const MAX_BODY = 64 * 1024;

function tooLarge(): AppError {
  return new AppError("payload_too_large", `The request body is over ${MAX_BODY / 1024} KB`);
}

export async function readJson(req: Request): Promise<unknown> {
  return jsonOf(await readText(req));
}

/** A request body as text, read as a stream and refused (413) as soon as it passes MAX_BODY, whatever its transfer encoding. */
export async function readText(req: Request): Promise<string> {
  if (Number(req.headers.get("content-length") ?? 0) > MAX_BODY) throw tooLarge();
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

const STATE_CHANGING = new Set(["POST", "PUT", "PATCH"]);

/** 415 for a state-changing request whose Content-Type is not JSON (DELETE carries no body, and no cross-site form can send one). */
export function requireJsonBody(method: string, headers: HeaderSource): void {
  if (!STATE_CHANGING.has(method.toUpperCase())) return;
  const type = (headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (type !== "application/json") {
    throw new AppError("unsupported_media_type", "Send the request with Content-Type: application/json (even when it has no body)");
  }
}

/** A request body read whole (and cut at MAX_BODY) as JSON; anything else is a clear 4xx. */
export function jsonOf(text: string): unknown {
  if (text.length > MAX_BODY) throw tooLarge();
  if (text.trim() === "") throw new AppError("malformed_json", "The request body is empty; send a JSON object");
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("malformed_json", "The request body is not valid JSON");
  }
}

/** A Node request's body as text, refused (413) as soon as it passes MAX_BODY, whatever its transfer encoding. */
export function readNodeBody(req: IncomingMessage): Promise<string> {
  if (Number(req.headers["content-length"] ?? 0) > MAX_BODY) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        req.removeAllListeners("data");
        req.resume();
        reject(tooLarge());
      } else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
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
  const id = parseId((await ctx.params).id, "event");
  demand(id); // on demand, any request for an event drives it for a moment (lib/events/demand.ts)
  return id;
}

export function cookieFrom(headers: HeaderSource, name: string): string | undefined {
  const header = headers.get("cookie") ?? "";
  for (const part of header.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k !== name) continue;
    try {
      return decodeURIComponent(v.join("="));
    } catch {
      return undefined; // a mangled cookie is no cookie
    }
  }
  return undefined;
}

export async function requireAdminRequest(req: Request): Promise<void> {
  await requireAdmin(req.headers, cookieFrom(req.headers, ADMIN_COOKIE), req.method !== "GET" && req.method !== "HEAD");
}

/** Whether a request that changes state is the admin's (browser-sent credentials only from the app's own pages). */
export function isAdminRequest(req: { headers: HeaderSource }): Promise<boolean> {
  return isAdmin(req.headers, cookieFrom(req.headers, ADMIN_COOKIE), true);
}
