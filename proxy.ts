import { NextResponse, type NextRequest } from "next/server";
import { fromOwnOrigin } from "@/lib/platform/origin";
import { existing } from "@/lib/platform/singleton";

// Every page request passes here (not the API, not static files):
// - While the database does not answer, a page would fail half-way (a 500): instead this
//   answers a "database unavailable" page with 503 and Retry-After, which reloads itself every
//   few seconds and so comes back by itself (lib/server/db-health.ts, offered at boot).
// - A server action posted from another site is refused here with a JSON 403 (Next's own
//   check would refuse it too, but as a 500).
// - Security headers: the content security policy allows only this app's own scripts. Next
//   marks its inline bootstrap scripts with the nonce it reads from the request's policy
//   header, so a fresh nonce per request is all an injected <script> would lack. Styles may be
//   inline because the live numbers and bars set widths through `style`. (nosniff, frame
//   denial and Referrer-Policy come from next.config.mjs, for API answers too.)

const RETRY_S = 5;

export async function proxy(request: NextRequest) {
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

  if (request.method === "POST" && request.headers.has("next-action") && !fromOwnOrigin(request.headers)) {
    return NextResponse.json({ error: { code: "forbidden", message: "This form was sent from another site: use this app's own pages" } }, { status: 403, headers: { "cache-control": "no-store" } });
  }

  if (existing<{ since: number }>("draining")?.since) {
    return new NextResponse(null, { status: 503, headers: { "retry-after": "2", "cache-control": "no-store", connection: "close" } });
  }

  const databaseUp = existing<() => Promise<boolean>>("db-health");
  if (databaseUp && !(await databaseUp())) {
    return new NextResponse(OUTAGE_PAGE, {
      status: 503,
      headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", "retry-after": String(RETRY_S), "content-security-policy": policy },
    });
  }

  const headers = new Headers(request.headers);
  headers.set("x-nonce", nonce);
  headers.set("content-security-policy", policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", policy);
  return response;
}

const OUTAGE_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="${RETRY_S}">
<title>Database unavailable · Ticketing</title>
<style>
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f6f7f9;color:#1c2430}
main{max-width:36rem;margin:12vh auto;padding:2rem;background:#fff;border:1px solid #dde2ea;border-radius:12px}
h1{margin:0 0 .5rem;font-size:1.5rem}
p{margin:.5rem 0}
.muted{color:#5a6677}
</style>
</head>
<body>
<main role="alert">
<h1>Database unavailable</h1>
<p>The ticketing database is not answering right now. No sale has lost or doubled a ticket: a running sale pauses and carries on by itself when the database is back.</p>
<p class="muted">This page tries again every ${RETRY_S} seconds.</p>
</main>
</body>
</html>
`;

export const config = {
  // Pages only: the API (which answers its own 503s), Next's static files and the icon need
  // neither, and skipping them keeps the proxy off the purchase and stream hot paths.
  matcher: [{ source: "/((?!api/|_next/static|_next/image|icon.svg|favicon.ico).*)" }],
};
