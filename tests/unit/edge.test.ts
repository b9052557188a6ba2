import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, it } from "node:test";
import type { IncomingMessage } from "node:http";
import { clientAddress, isLoopbackHost, markRequest, trustedHops } from "../../lib/server/edge.mjs";

const ENTRY = path.join(import.meta.dirname, "../../lib/server/standalone-entry.mjs");

describe("the client address the server believes", () => {
  it("is the socket's with TRUST_PROXY=0, whatever X-Forwarded-For says", () => {
    assert.equal(clientAddress("", "198.51.100.7", 0), "198.51.100.7");
    assert.equal(clientAddress("1.1.1.1", "198.51.100.7", 0), "198.51.100.7");
  });

  it("goes left through X-Forwarded-For only as many hops as TRUST_PROXY says", () => {
    // client → proxy A → proxy B → us: B appends A's address, A appends the client's.
    assert.equal(clientAddress("203.0.113.5, 10.0.0.1", "10.0.0.2", 1), "10.0.0.1");
    assert.equal(clientAddress("203.0.113.5, 10.0.0.1", "10.0.0.2", 2), "203.0.113.5");
    assert.equal(clientAddress("forged, 203.0.113.5, 10.0.0.1", "10.0.0.2", 2), "203.0.113.5", "a forged entry on the left is never reached");
    assert.equal(clientAddress("203.0.113.5", "10.0.0.2", 5), "203.0.113.5", "never past the left end");
  });

  it("reads TRUST_PROXY as a small hop count, anything else as 0", () => {
    assert.deepEqual(["2", "0", undefined, "-1", "abc", "1.5", "99"].map(trustedHops), [2, 0, 0, 0, 0, 0, 0]);
  });

  it("knows loopback names", () => {
    assert.deepEqual(["127.0.0.1", "localhost", "::1", "[::1]", "127.1.2.3", "0.0.0.0", "10.0.0.1", "example.com"].map(isLoopbackHost), [true, true, true, true, true, false, false, false]);
    assert.deepEqual(["127.0.0.1:3000", "localhost:80", "[::1]:3000", "evil.example:3000", "127.0.0.1.evil.example", "[::2]:3000", ""].map(isLoopbackHost), [true, true, true, false, false, false, false]);
  });
});

describe("the edge stamp", () => {
  const stamp = (headers: Record<string, string>, hops: number, encrypted = false) => {
    const req = { headers: { ...headers }, socket: { remoteAddress: "10.0.0.2", encrypted } };
    markRequest(req as unknown as IncomingMessage, hops, "secret");
    return req.headers as Record<string, string>;
  };

  it("believes X-Forwarded-Proto (for the cookie's Secure flag) only within TRUST_PROXY", () => {
    assert.equal(stamp({ "x-forwarded-proto": "https" }, 0)["x-ticketing-proto"], "http");
    assert.equal(stamp({ "x-forwarded-proto": "https" }, 1)["x-ticketing-proto"], "https");
    assert.equal(stamp({}, 0, true)["x-ticketing-proto"], "https", "a TLS socket is https whatever the headers say");
  });

  it("replaces whatever a client sent under the stamp's names", () => {
    const h = stamp({ "x-ticketing-client": "127.0.0.1", "x-ticketing-forwarded": "0", "x-ticketing-proto": "https", "x-ticketing-edge": "guess", "x-forwarded-for": "127.0.0.1" }, 0);
    assert.deepEqual([h["x-ticketing-client"], h["x-ticketing-forwarded"], h["x-ticketing-proto"], h["x-ticketing-edge"]], ["10.0.0.2", "1", "http", "secret"]);
  });
});

describe("npm start without ADMIN_TOKEN", () => {
  it("refuses to listen on an address other than loopback", () => {
    const r = spawnSync(process.execPath, [ENTRY], { env: { ...process.env, ADMIN_TOKEN: "", HOST: "0.0.0.0" }, encoding: "utf8", timeout: 10_000 });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /Refusing to listen on 0\.0\.0\.0 without ADMIN_TOKEN/);
  });
});
