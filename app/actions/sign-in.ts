"use server";

import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { toAppError } from "@/lib/contracts/errors";
import { ADMIN_COOKIE, adminMode, closeSession, cookieSecure, openSession } from "@/lib/server/auth";

export type SignInState = { error: string | null };

/** Exchanges the admin token for a signed, expiring session cookie (never the token, nor a hash of it). */
export async function signInAction(_previous: SignInState, form: FormData): Promise<SignInState> {
  if (adminMode() !== "token") return { error: "No ADMIN_TOKEN is set: admin actions are open to this machine without signing in." };
  const token = form.get("token");
  if (typeof token !== "string" || token.trim() === "") return { error: "Enter the admin token." };
  const h = await headers();
  let session: Awaited<ReturnType<typeof openSession>>;
  try {
    session = await openSession(h, token.trim().slice(0, 1_000));
  } catch (err) {
    return { error: toAppError(err).message };
  }
  if (!session) return { error: "That is not the admin token. Check ADMIN_TOKEN on the server." };
  (await cookies()).set(ADMIN_COOKIE, session.cookie, { httpOnly: true, sameSite: "lax", secure: cookieSecure(h), path: "/", maxAge: session.maxAgeS });
  redirect(safeNext(form.get("next")));
}

/** Signs out: the session is deleted on the server too, so a copy of the cookie no longer works anywhere. */
export async function signOutAction(): Promise<void> {
  const jar = await cookies();
  try {
    await closeSession(jar.get(ADMIN_COOKIE)?.value);
  } finally {
    jar.delete(ADMIN_COOKIE);
  }
  redirect("/");
}

/** Only same-site paths: a sign-in link must not send the operator elsewhere. */
function safeNext(raw: FormDataEntryValue | null): string {
  return typeof raw === "string" && /^\/(?!\/)[\w\-/.?=&%]*$/.test(raw) ? raw : "/";
}
