// Whether a browser sent a request from the app's own pages, for state changes made with
// credentials a browser sends by itself (the session cookie, loopback). Pure, and free of
// "server-only", because proxy.ts checks server-action posts with it too.

/** What the check reads of a request's headers. */
type Headerish = { get(name: string): string | null };

/**
 * `Sec-Fetch-Site` when the browser sends it, else `Origin` against `Host`. A request with
 * neither comes from no browser (curl, a script), which no other site can make a browser send.
 */
export function fromOwnOrigin(headers: Headerish): boolean {
  const site = headers.get("sec-fetch-site");
  if (site !== null) return site === "same-origin" || site === "none";
  const origin = headers.get("origin");
  if (origin === null) return true;
  try {
    return origin !== "null" && new URL(origin).host === (headers.get("host") ?? "").toLowerCase();
  } catch {
    return false;
  }
}
