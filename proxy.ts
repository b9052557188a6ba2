import { NextResponse, type NextRequest } from "next/server";

// Security headers for every page (API answers get the static ones from next.config.mjs).
// The content security policy allows only this app's own scripts: Next marks its inline
// bootstrap scripts with the nonce it reads from the request's policy header, so a fresh
// nonce per request is all an injected <script> would lack. Styles may be inline because the
// live numbers and bars set widths through `style`.

export function proxy(request: NextRequest) {
  const nonce = btoa(crypto.randomUUID());
  const dev = process.env.NODE_ENV !== "production";
  const policy = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
  const headers = new Headers(request.headers);
  headers.set("x-nonce", nonce);
  headers.set("content-security-policy", policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", policy);
  return response;
}

export const config = {
  // Pages only: the API, Next's static files and the icon need no policy, and skipping them
  // keeps the proxy off the purchase and stream hot paths.
  matcher: [{ source: "/((?!api/|_next/static|_next/image|icon.svg|favicon.ico).*)" }],
};
