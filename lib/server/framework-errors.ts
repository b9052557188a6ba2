import type http from "node:http";

// A server action's own code never answers an error status (lib/server/action.ts turns every
// failure into `{ ok: false }`), so an error on a server-action post is Next refusing what the
// client sent: a payload it cannot decode (a 500), an action id it does not know (a 409 in
// text). Either way the client is at fault: a 4xx, in the API's JSON error shape. (A 503 is
// the server draining, and a JSON answer — the proxy's cross-site 403 — is already ours.)

const BAD_ACTION = JSON.stringify({ error: { code: "bad_request", message: "This form submission could not be read (the page may be out of date): reload the page and try again" } });

type Headers = http.OutgoingHttpHeaders | http.OutgoingHttpHeader[] | undefined;

function contentTypeOf(res: http.ServerResponse, headers: Headers): string {
  const given = Array.isArray(headers) || !headers ? null : Object.entries(headers).find(([k]) => k.toLowerCase() === "content-type")?.[1];
  return String(given ?? res.getHeader("content-type") ?? "");
}

/** Watches a server-action post's answer: a framework error (≥ 400, not JSON, not 503) goes out as a JSON 4xx instead. */
export function refuseFrameworkErrors(res: http.ServerResponse): void {
  const { writeHead, write, end } = res;
  let replaced = false;
  const failing = (r: http.ServerResponse, status: number, headers?: Headers) =>
    !replaced && !r.headersSent && status >= 400 && status !== 503 && !contentTypeOf(r, headers).startsWith("application/json");
  const replace = (r: http.ServerResponse, status: number) => {
    replaced = true;
    for (const name of r.getHeaderNames()) r.removeHeader(name);
    writeHead.call(r, status >= 500 ? 400 : status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  };
  res.writeHead = function (this: http.ServerResponse, status: number, ...rest: unknown[]) {
    if (failing(this, status, rest.find((a) => typeof a === "object") as Headers)) return (replace(this, status), this);
    return (writeHead as (...a: unknown[]) => http.ServerResponse).call(this, status, ...rest);
  } as typeof res.writeHead;
  res.write = function (this: http.ServerResponse, chunk: unknown, ...rest: unknown[]) {
    if (failing(this, this.statusCode)) replace(this, this.statusCode);
    if (!replaced) return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
    const cb = rest.find((a) => typeof a === "function") as (() => void) | undefined;
    if (cb) process.nextTick(cb);
    return true;
  } as typeof res.write;
  res.end = function (this: http.ServerResponse, chunk?: unknown, ...rest: unknown[]) {
    if (failing(this, this.statusCode)) replace(this, this.statusCode);
    if (!replaced) return (end as (...a: unknown[]) => http.ServerResponse).call(this, chunk, ...rest);
    return (end as (...a: unknown[]) => http.ServerResponse).call(this, BAD_ACTION, [chunk, ...rest].find((a) => typeof a === "function"));
  } as typeof res.end;
}
