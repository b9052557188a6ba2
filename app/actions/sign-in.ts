"use server";

import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { ADMIN_COOKIE, adminCookieValue, adminMode, checkToken } from "@/lib/server/auth";

export type SignInState = { error: string | null };

const WEEK = 7 * 24 * 3600;

/** Exchanges the admin token for an httpOnly cookie (a hash of the token, never the token). */
export async function signInAction(_previous: SignInState, form: FormData): Promise<SignInState> {
  if (adminMode() !== "token") return { error: "No ADMIN_TOKEN is set: admin actions are open to this machine without signing in." };
  const token = form.get("token");
  if (typeof token !== "string" || token.trim() === "") return { error: "Enter the admin token." };
  if (!checkToken(token.trim())) return { error: "That is not the admin token. Check ADMIN_TOKEN on the server." };
  const secure = (await headers()).get("x-forwarded-proto") === "https";
  (await cookies()).set(ADMIN_COOKIE, adminCookieValue(token.trim()), { httpOnly: true, sameSite: "lax", secure, path: "/", maxAge: WEEK });
  redirect(safeNext(form.get("next")));
}

export async function signOutAction(): Promise<void> {
  (await cookies()).delete(ADMIN_COOKIE);
  redirect("/");
}

/** Only same-site paths: a sign-in link must not send the operator elsewhere. */
function safeNext(raw: FormDataEntryValue | null): string {
  return typeof raw === "string" && /^\/(?!\/)[\w\-/.?=&%]*$/.test(raw) ? raw : "/";
}
