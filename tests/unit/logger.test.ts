import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { describe, it } from "node:test";

const TOKEN = "unit-secret-token-4242";
process.env.ADMIN_TOKEN = TOKEN;
process.env.LOG_LEVEL = "info";
const { createLogger } = await import("../../lib/platform/logger");

function capture() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split("\n").filter(Boolean));
      done();
    },
  });
  return { lines, log: createLogger(sink as unknown as Parameters<typeof createLogger>[0]) };
}

describe("the logger", () => {
  it("writes one JSON line per entry, with its level, time and context", () => {
    const { lines, log } = capture();
    log.child({ eventId: 7, run: 2 }).info({ requestId: "r-1" }, "batch committed");
    log.debug("below the level");
    assert.equal(lines.length, 1);
    const entry = JSON.parse(lines[0]);
    assert.equal(entry.level, "info");
    assert.equal(entry.msg, "batch committed");
    assert.deepEqual([entry.eventId, entry.run, entry.requestId], [7, 2, "r-1"]);
    assert.ok(!Number.isNaN(Date.parse(entry.time)));
  });

  it("never writes ADMIN_TOKEN, wherever it hides", () => {
    const { lines, log } = capture();
    log.error({ err: new Error(`bad token ${TOKEN} in request`) }, "request failed");
    log.warn({ headers: { authorization: `Bearer ${TOKEN}`, cookie: `s=${TOKEN}` } }, "headers");
    log.info({ token: TOKEN, nested: { url: `/sign-in?token=${TOKEN}` } }, `said ${TOKEN} aloud`);
    assert.equal(lines.length, 3);
    for (const line of lines) {
      assert.ok(!line.includes(TOKEN), `the token leaked: ${line}`);
      JSON.parse(line);
    }
    assert.ok(lines.join("\n").includes("[redacted]"));
  });
});
