import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import mysql from "mysql2/promise";
import { createTestDatabase, useDatabase, type TestDatabase } from "../helpers/database";
import { waitFor } from "../helpers/invariants";

// The live feed writes an update to its streams in slices, one per turn of the event loop. A
// newer update that comes while one is going out reaches the streams not yet written to as
// one frame that covers both. Every stream must still account for every log row exactly once
// (rows carried plus rows counted as skipped), end at the newest row, and see the final view.

let t: TestDatabase;
let feedOf: typeof import("../../lib/log/feed").feedOf;
let logsCommitted: typeof import("../../lib/log/feed").logsCommitted;
let closeDb: () => Promise<void>;
let appendLogs: typeof import("../../lib/log/append").appendLogs;
let writer: mysql.Connection;

before(async () => {
  t = await createTestDatabase("feedmerge");
  useDatabase(t.url);
  ({ feedOf, logsCommitted } = await import("../../lib/log/feed"));
  closeDb = (await import("../../lib/db/client")).closeDb;
  ({ appendLogs } = await import("../../lib/log/append"));
  writer = await mysql.createConnection({ uri: t.url, multipleStatements: true });
});

after(async () => {
  await writer.end();
  await closeDb();
  await t.drop();
});

// A frame's `id` is its SSE id: the event's log sequence number (EventLog.seq) it stands at.
type Frame = { id: bigint; event: { n: number } | { changed: number }; logs: { id: string; seq: string }[]; skipped: number };

function parse(frame: Uint8Array): Frame | null {
  const text = Buffer.from(frame).toString("utf8");
  if (!text.startsWith("event: update")) return null;
  const id = BigInt(/\nid: (\d+)/.exec(text)![1]);
  const data = JSON.parse(/\ndata: (.*)\n/.exec(text)![1]) as Omit<Frame, "id">;
  return { id, ...data };
}

/**
 * Rows written as the app's batches write them: appendLogs' statements, queued like a deferred
 * writer's (lib/db/sql.ts), go in one round trip in a transaction that holds the event's lock.
 */
async function addRows(eventId: number, count: number): Promise<void> {
  const statements: string[] = [];
  const rows = Array.from({ length: count }, (_, i) => ({ eventId, run: 1, kind: "CONFIG" as const, actor: "test", message: `row ${i}`, released: 0, sold: 0, available: 0, at: new Date() }));
  await appendLogs({ $executeRawUnsafe: async (q: string) => statements.push(q) }, rows);
  await writer.query(["BEGIN", `SELECT id FROM Event WHERE id = ${eventId} FOR UPDATE`, ...statements, "COMMIT"].join(";\n"));
}

describe("an update that comes while another is going out", () => {
  it("reaches the streams not yet written to merged with it; every stream accounts for every row once", async () => {
    const [created] = await t.sql.query("INSERT INTO Event (name, totalTickets, maxTicketCapacity, ticketReleaseRate, customerRetrievalRate) VALUES ('Feed', 10, 10, 1, 1)");
    const eventId = (created as { insertId: number }).insertId;
    await addRows(eventId, 3);
    // The view is a number that each load raises; an update carries the change.
    let n = 0;
    const feed = await feedOf(eventId, { load: async () => ({ n: ++n }), diff: (_prev: { n: number }, next: { n: number }) => ({ changed: next.n }) });
    const start = feed.cursor;

    // 10,000 slow streams (0.06 ms a write): one update takes about 600 ms to go out, in twenty
    // slices. While the first goes out (at the 600th stream, in its second slice), more rows
    // are committed: the next update comes while thousands of streams still wait for the first.
    // The commit and the feed's read of it need a few turns of the event loop (one per slice);
    // with six slices of 3,000 streams they sometimes came too late (a CI run failed on it).
    let writes = 0;
    let more: Promise<void> | undefined;
    const received = Array.from({ length: 10_000 }, () => [] as Frame[]);
    const detach = received.map((frames) =>
      feed.add({
        offer: (frame) => {
          const until = performance.now() + 0.06;
          while (performance.now() < until);
          const f = parse(frame);
          if (f) frames.push(f);
          if (++writes === 600) more = addRows(eventId, 25).then(() => logsCommitted(eventId));
        },
        close: () => undefined,
      }),
    );
    try {
      await addRows(eventId, 7);
      logsCommitted(eventId);
      await waitFor("the second batch of rows to be written", async () => more !== undefined, 10_000, 10);
      await more;
      await new Promise((r) => setTimeout(r, 2_000));

      const [[last]] = (await t.sql.query("SELECT MAX(seq) AS seq, COUNT(*) AS n FROM EventLog WHERE eventId = ? AND seq > ?", [eventId, start])) as unknown as [[{ seq: number; n: number }]];
      const counts = received.map((frames) => frames.length);
      for (const frames of received) {
        assert.ok(frames.length > 0);
        let cursor = start;
        let accounted = 0;
        for (const f of frames) {
          assert.ok(f.id > cursor, "each update moves the stream forward");
          for (const l of f.logs) assert.ok(BigInt(l.seq) > cursor && BigInt(l.seq) <= f.id, "a frame carries only rows since where the stream stood");
          accounted += f.logs.length + f.skipped;
          cursor = f.id;
        }
        assert.equal(cursor, BigInt(last.seq), "every stream ends at the newest row");
        assert.equal(accounted, Number(last.n), "every row is carried or counted once");
        assert.deepEqual(frames.at(-1)!.event, { changed: n }, "every stream ends with the final view");
      }
      // The first streams got both updates; those the first had not reached got one merged frame.
      assert.equal(Math.max(...counts), 2, `frames per stream: ${Math.min(...counts)}–${Math.max(...counts)}`);
      assert.equal(Math.min(...counts), 1, `frames per stream: ${Math.min(...counts)}–${Math.max(...counts)}`);
      assert.equal(counts[0], 2, "the first stream got each update");
      assert.equal(counts.at(-1), 1, "the last stream got one frame for both");
    } finally {
      detach.forEach((d) => d());
    }
  });
});

describe("rows committed in this process while a new feed makes its first read", () => {
  it("are not counted again: the first update carries only rows after the snapshot", async () => {
    const [created] = await t.sql.query("INSERT INTO Event (name, totalTickets, maxTicketCapacity, ticketReleaseRate, customerRetrievalRate) VALUES ('Feed early', 10, 10, 1, 1)");
    const eventId = (created as { insertId: number }).insertId;
    await addRows(eventId, 13);
    // A batch of this process commits while the feed is being made (the first stream of a
    // sale that just started): before the fix, that nudge polled from cursor 0, and the first
    // update counted the 13 rows the snapshot stood on as skipped.
    const making = feedOf(eventId, { load: async () => ({ n: 1 }), diff: () => ({}) });
    logsCommitted(eventId);
    const feed = await making;
    const start = feed.cursor;
    assert.ok(start > 0n);
    const frames: Frame[] = [];
    const detach = feed.add({ offer: (f) => void (parse(f) && frames.push(parse(f)!)), close: () => undefined });
    try {
      await new Promise((r) => setTimeout(r, 300)); // the early poll, if any, has come back
      await addRows(eventId, 2);
      logsCommitted(eventId);
      await waitFor("an update with the 2 new rows", async () => frames.reduce((a, f) => a + f.logs.length, 0) >= 2, 5_000, 20);
      const accounted = frames.reduce((a, f) => a + f.logs.length + f.skipped, 0);
      assert.equal(accounted, 2, `frames: ${JSON.stringify(frames.map((f) => ({ id: String(f.id), rows: f.logs.length, skipped: f.skipped })))}`);
      for (const f of frames) for (const l of f.logs) assert.ok(BigInt(l.seq) > start);
    } finally {
      detach();
    }
  });
});

describe("a stream that resumes while the feed moves on", () => {
  it("gets its next update from where its resume frame left it, not from where the feed stood when it was added", async () => {
    const [created] = await t.sql.query("INSERT INTO Event (name, totalTickets, maxTicketCapacity, ticketReleaseRate, customerRetrievalRate) VALUES ('Feed resume', 10, 10, 1, 1)");
    const eventId = (created as { insertId: number }).insertId;
    await addRows(eventId, 300); // more than the feed holds: the resume frame counts what it lacks (from the sequence numbers)
    const feed = await feedOf(eventId, { load: async () => ({ n: 1 }), diff: () => ({}) });
    const keep: Frame[] = [];
    const detachKeeper = feed.add({ offer: (f) => void (parse(f) && keep.push(parse(f)!)), close: () => undefined }); // keeps the feed open
    const [[{ seq: from }]] = (await t.sql.query("SELECT MIN(seq) + 10 AS seq FROM EventLog WHERE eventId = ?", [eventId])) as unknown as [[{ seq: number }]];
    const opening = feed.resumeFrame(BigInt(from));
    assert.ok(opening);
    const resumed = parse(opening.frame)!;
    // While the stream was being opened (the socket), the feed read 5 more rows.
    await addRows(eventId, 5);
    logsCommitted(eventId);
    await waitFor("the feed to read them", async () => feed.cursor > resumed.id, 5_000, 10);
    const frames: Frame[] = [];
    const detach = feed.add({ offer: (f) => void (parse(f) && frames.push(parse(f)!)), close: () => undefined }, opening.base);
    try {
      await addRows(eventId, 2);
      logsCommitted(eventId);
      await waitFor("an update", async () => frames.length > 0 && frames.at(-1)!.id === feed.cursor, 5_000, 10);
      const [[{ n }]] = (await t.sql.query("SELECT COUNT(*) AS n FROM EventLog WHERE eventId = ? AND seq > ?", [eventId, from])) as unknown as [[{ n: number }]];
      const accounted = resumed.logs.length + resumed.skipped + frames.reduce((a, f) => a + f.logs.length + f.skipped, 0);
      assert.equal(accounted, Number(n), "the resume frame and the updates after it account for every row since the stream's Last-Event-ID");
    } finally {
      detach();
      detachKeeper();
    }
  });
});
