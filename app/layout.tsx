import type { Metadata, Viewport } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { cookies, headers } from "next/headers";
import { signOutAction } from "@/app/actions/sign-in";
import { ADMIN_COOKIE, adminMode, adminSession, seesSockets } from "@/lib/server/auth";
import { OperatorOnly } from "./_components/operator-only";
import "./globals.css";

export const metadata: Metadata = {
  title: { template: "%s · Ticketing", default: "Ticketing" },
  description: "Live ticket sales: vendors release, customers buy, everything streamed as it happens.",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="site-header">
          <div className="site-header-inner">
            <Link href="/" className="brand">
              <span className="brand-mark" aria-hidden="true">
                ▦
              </span>
              Ticketing
            </Link>
            <nav aria-label="Main">
              <Link href="/">Events</Link>
              <SessionLink />
            </nav>
          </div>
        </header>
        <OperatorOnly>
          <AdminModeBanner />
        </OperatorOnly>
        <main id="main" className="site-main" tabIndex={-1}>
          {children}
        </main>
      </body>
    </html>
  );
}

/** With ADMIN_TOKEN set: "Sign in" for visitors, "Sign out" for a signed-in operator. */
async function SessionLink() {
  await connection();
  const { admin, mode } = await adminSession(await headers(), (await cookies()).get(ADMIN_COOKIE)?.value);
  if (mode !== "token") return null;
  if (!admin) return <Link href="/sign-in">Sign in</Link>;
  return (
    <form action={signOutAction} className="sign-out">
      <button type="submit" className="link-button">
        Sign out
      </button>
    </form>
  );
}

async function AdminModeBanner() {
  // Read at request time: the mode follows the running server's environment, not the build's.
  await connection();
  if (adminMode() !== "loopback") return null;
  const text = seesSockets()
    ? "Admin actions are open to this machine only — set ADMIN_TOKEN to protect them"
    : "Admin is off: this server cannot tell a request from this machine, so without ADMIN_TOKEN nobody may create or control events. Set ADMIN_TOKEN and sign in, or run the app on your own machine (npm start, next start or server.js)";
  return (
    <div className="admin-banner" role="note" data-testid="admin-mode-banner">
      <div className="admin-banner-inner">
        <span className="admin-banner-icon" aria-hidden="true">
          !
        </span>
        <p>{text}</p>
      </div>
    </div>
  );
}
