import "server-only";
import { cookies, headers } from "next/headers";
import type { ActionResult } from "@/lib/contracts/action-result";
import { toAppError } from "@/lib/contracts/errors";
import { logger } from "@/lib/platform/logger";
import { ADMIN_COOKIE, requireAdmin } from "./auth";

/** Runs a server action anyone may call: every throw becomes `{ ok: false }` with a message a person can act on. */
export async function publicAction<T>(work: () => Promise<ActionResult<T>>): Promise<ActionResult<T>> {
  try {
    return await work();
  } catch (err) {
    const e = toAppError(err);
    if (e.code === "internal") logger().error({ err }, "server action failed");
    const fields = (e.details?.fields ?? undefined) as Record<string, string> | undefined;
    return { ok: false, error: e.message, fieldErrors: fields };
  }
}

/** Runs a server action as admin: checks the caller first, then as publicAction. */
export async function adminAction<T>(work: () => Promise<ActionResult<T>>): Promise<ActionResult<T>> {
  return publicAction(async () => {
    await requireAdmin(await headers(), (await cookies()).get(ADMIN_COOKIE)?.value);
    return work();
  });
}
