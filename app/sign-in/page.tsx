import type { Metadata } from "next";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const { next } = await searchParams;
  return (
    <div className="sign-in-page">
      <SignInForm next={typeof next === "string" && next.startsWith("/") && !next.startsWith("//") ? next : "/"} />
    </div>
  );
}
