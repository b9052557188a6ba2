import "server-only";
import type { ActionResult } from "@/lib/action-result";
import { AppError, toAppError } from "@/lib/errors";

/**
 * Runs a server action anyone may call (a buyer needs no sign-in): the same failure mapping as
 * adminAction — every throw becomes `{ ok: false }` with a message a person can act on, never a
 * stack trace — without the admin check.
 */
export async function publicAction<T>(work: () => Promise<ActionResult<T>>): Promise<ActionResult<T>> {
  try {
    return await work();
  } catch (err) {
    const e = err instanceof AppError ? err : toAppError(err);
    if (e.code === "internal") console.error("[action]", err);
    const fields = (e.details?.fields ?? undefined) as Record<string, string> | undefined;
    return { ok: false, error: e.message, fieldErrors: fields };
  }
}
