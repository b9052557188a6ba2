import assert from "node:assert/strict";
import type { IncomingMessage } from "node:http";
import { describe, it } from "node:test";

// Without ADMIN_TOKEN the server listens on loopback only (tests/unit/edge.test.ts) and admin
// is open to this machine — but never to a request that came through a proxy, names another
// host, or is sent by another site's page; and no header a client writes can say otherwise.
delete process.env.ADMIN_TOKEN;
const { adminMode, isAdmin, requireAdmin } = await import("../../lib/server/auth");
const { edgeSecret, markRequest } = await import("../../lib/server/edge.mjs");

/** Headers as the app's front hands them to the app, for a request from `socket` with the client's own `headers`. */
function stamped(headers: Record<string, string>, socket = "127.0.0.1", hops = 0): Headers {
  const req = { headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])), socket: { remoteAddress: socket } };
  markRequest(req as unknown as IncomingMessage, hops, edgeSecret());
  return new Headers(req.headers as Record<string, string>);
}

describe("admin access without ADMIN_TOKEN", () => {
  it("is open to a request from this machine that names this machine", async () => {
    assert.equal(adminMode(), "loopback");
    assert.equal(await isAdmin(stamped({ host: "127.0.0.1:3000" }), undefined), true);
    assert.equal(await isAdmin(stamped({ host: "localhost:3000" }, "::1"), undefined), true);
  });

  it("is refused to a request that came through a proxy, whatever X-Forwarded-For says", async () => {
    for (const xff of ["127.0.0.1", "::1", "", "127.0.0.1, 127.0.0.1"]) {
      assert.equal(await isAdmin(stamped({ host: "127.0.0.1:3000", "x-forwarded-for": xff }), undefined), false, `X-Forwarded-For: ${xff}`);
    }
    assert.equal(await isAdmin(stamped({ host: "127.0.0.1:3000", forwarded: "for=127.0.0.1" }), undefined), false);
    assert.equal(await isAdmin(stamped({ host: "127.0.0.1:3000", "x-real-ip": "127.0.0.1" }), undefined), false);
  });

  it("is refused to a page of another site that points its name at 127.0.0.1 (DNS rebinding)", async () => {
    assert.equal(await isAdmin(stamped({ host: "evil.example:3000" }), undefined), false);
  });

  it("is refused to a socket that is not loopback, and to forged edge headers", async () => {
    assert.equal(await isAdmin(stamped({ host: "127.0.0.1:3000" }, "203.0.113.9"), undefined), false);
    const forged = stamped({ host: "127.0.0.1:3000", "x-ticketing-client": "127.0.0.1", "x-ticketing-forwarded": "0", "x-ticketing-edge": "guess" }, "203.0.113.9");
    assert.equal(forged.get("x-ticketing-client"), "203.0.113.9", "the entry overwrites what the client sent");
    assert.equal(await isAdmin(forged, undefined), false);
    const unstampedButClaiming = new Headers({ host: "evil.example", "x-ticketing-edge": "guess", "x-ticketing-client": "127.0.0.1" });
    assert.equal(await isAdmin(unstampedButClaiming, undefined), false);
  });

  it("is nobody's on a server that cannot see the socket (no entry stamp), whatever the request names", async () => {
    // Next's own server (`next start`, server.js, `next dev`) hands the app only headers, and a
    // client writes every one of them: the repro of a remote host naming Host: 127.0.0.1.
    for (const headers of <Record<string, string>[]>[
      { host: "127.0.0.1:3320" },
      { host: "localhost:3320" },
      { host: "[::1]:3320" },
      { host: "127.0.0.1:3320", "x-forwarded-for": "127.0.0.1" },
      { host: "127.0.0.1:3320", "x-real-ip": "127.0.0.1" },
      { host: "127.0.0.1:3320", forwarded: "for=127.0.0.1;host=127.0.0.1" },
      { host: "127.0.0.1:3320", "x-ticketing-client": "127.0.0.1", "x-ticketing-forwarded": "0", "x-ticketing-edge": "0".repeat(32) },
    ]) {
      assert.equal(await isAdmin(new Headers(headers), undefined), false, JSON.stringify(headers));
      await assert.rejects(requireAdmin(new Headers(headers), undefined), (err: { code?: string; message?: string }) => err.code === "forbidden" && /Set ADMIN_TOKEN, or run the app on your own machine/.test(err.message ?? ""));
    }
  });

  it("refuses a state change sent by another site's page, and allows the app's own pages and non-browsers", async () => {
    const local = { host: "127.0.0.1:3000" };
    await assert.rejects(requireAdmin(stamped({ ...local, origin: "https://evil.example" }), undefined), /another site/);
    await assert.rejects(requireAdmin(stamped({ ...local, "sec-fetch-site": "cross-site" }), undefined), /another site/);
    await assert.rejects(requireAdmin(stamped({ ...local, origin: "null" }), undefined), /another site/);
    await requireAdmin(stamped({ ...local, origin: "http://127.0.0.1:3000" }), undefined);
    await requireAdmin(stamped({ ...local, "sec-fetch-site": "same-origin", origin: "http://127.0.0.1:3000" }), undefined);
    await requireAdmin(stamped(local), undefined);
    await requireAdmin(stamped({ ...local, origin: "https://evil.example" }), undefined, false); // a read is no state change
    await assert.rejects(requireAdmin(stamped({ host: "127.0.0.1:3000", "x-forwarded-for": "127.0.0.1" }), undefined), /only from this machine/);
  });
});
