import assert from "node:assert/strict";
import { createHash, createHmac } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { NUMBERS_50K, createTestDatabase, useDatabase, type TestDatabase } from "../helpers/database";

// The log history pages by the event's log sequence (`seq`), not by row id. On a Galera cluster
// ids are not in commit order (each node steps them by the cluster size from its own offset), so
// a row committed late on another node can carry a lower id than rows already read. Here the
// rows are written by hand with ids out of seq order — seq 1 … 6 with ids 50, 10, 40, 20, 60, 30
// — as a cluster may leave them, and then a row with seq 7 and id 5, lower than any seen: pages
// in both orders, the live tail, the filters and the exports must all follow seq.

let t: TestDatabase;
let lib: {
  logs: typeof import("../../app/api/events/[id]/logs/route");
  closeDb: typeof import("../../lib/db/client").closeDb;
};

type Entry = { id: string; seq: string; run: number; kind: string; message: string };
type Page = { entries: Entry[]; nextCursor: string | null; hasMore: boolean; tailCursor?: string };

let ev: number;

// seq → id, run, kind, message: ids in no order that follows seq.
const ROWS: [seq: number, id: number, run: number, kind: string, message: string][] = [
  [1, 50, 1, "RELEASED", "Vendor 1 released a needle"],
  [2, 10, 1, "SOLD", "Customer 1 bought 1 ticket"],
  [3, 40, 1, "RELEASED", "Vendor 2 released 2 tickets"],
  [4, 20, 2, "SOLD", "Customer 2 bought a needle"],
  [5, 60, 2, "RELEASED", "Vendor 1 released 3 tickets"],
  [6, 30, 2, "SOLD", "Customer 3 bought the needle"],
];

const call = (id: number, query = "") => lib.logs.GET(new Request(`http://localhost/api/events/${id}/logs${query}`), { params: Promise.resolve({ id: String(id) }) });

async function page(query: string): Promise<Page> {
  const res = await call(ev, query);
  assert.equal(res.status, 200, `${query}: ${res.status}`);
  return (await res.json()) as Page;
}

/** Every page of the query, `limit` rows at a time, following nextCursor while hasMore. */
async function walk(query: string): Promise<{ pages: Page[]; entries: Entry[] }> {
  const pages: Page[] = [];
  let cursor: string | null = null;
  do {
    const p = await page(`?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    pages.push(p);
    cursor = p.hasMore ? p.nextCursor : null;
    assert.ok(pages.length < 100, "the pages end");
  } while (cursor);
  return { pages, entries: pages.flatMap((p) => p.entries) };
}

const seqs = (entries: Entry[]) => entries.map((e) => Number(e.seq));

async function insertLog(eventId: number, [seq, id, run, kind, message]: (typeof ROWS)[number]) {
  await t.sql.query("INSERT INTO EventLog (id, eventId, seq, run, kind, actor, message, released, sold, available) VALUES (?, ?, ?, ?, ?, 'test', ?, 0, 0, 0)", [id, eventId, seq, run, kind, message]);
  await t.sql.query("UPDATE Event SET logSeq = ? WHERE id = ?", [seq, eventId]);
}

before(async () => {
  t = await createTestDatabase("loghistseq");
  useDatabase(t.url);
  lib = {
    logs: await import("../../app/api/events/[id]/logs/route"),
    closeDb: (await import("../../lib/db/client")).closeDb,
  };
  const [res] = await t.sql.query("INSERT INTO Event (name, totalTickets, maxTicketCapacity, ticketReleaseRate, customerRetrievalRate, run, status) VALUES ('Seq order', 100, 10, 1, 1, 2, 'RUNNING')");
  ev = (res as { insertId: number }).insertId;
  for (const row of ROWS) await insertLog(ev, row);
  const [check] = await t.sql.query("SELECT id FROM EventLog WHERE eventId = ? ORDER BY seq", [ev]);
  assert.deepEqual((check as { id: number }[]).map((r) => Number(r.id)), [50, 10, 40, 20, 60, 30], "the ids are out of seq order");
});

after(async () => {
  await lib.closeDb();
  await t.drop();
});

describe("log pages follow seq, not id", () => {
  it("pages newest first in seq order, each entry with its own id", async () => {
    const { pages, entries } = await walk("limit=2");
    assert.deepEqual(seqs(entries), [6, 5, 4, 3, 2, 1]);
    assert.deepEqual(entries.map((e) => Number(e.id)), [30, 60, 20, 40, 10, 50], "each row keeps its id");
    assert.deepEqual(pages.map((p) => p.entries.length), [2, 2, 2]);
    assert.equal(pages.at(-1)!.nextCursor, null, "newest first, the end is the end");
    assert.ok(pages[0].tailCursor, "the first page says where to follow from");
    assert.ok(pages.slice(1).every((p) => p.tailCursor === undefined));
  });

  it("pages oldest first in seq order, and keeps a cursor at the end to ask again with", async () => {
    const { pages, entries } = await walk("order=asc&limit=4");
    assert.deepEqual(seqs(entries), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(entries.map((e) => Number(e.id)), [50, 10, 40, 20, 60, 30]);
    const last = pages.at(-1)!;
    assert.ok(last.nextCursor);
    assert.deepEqual((await page(`?order=asc&cursor=${encodeURIComponent(last.nextCursor)}`)).entries, []);
  });

  it("filters by run, kind and text, in seq order both ways", async () => {
    assert.deepEqual(seqs((await walk("run=1&limit=1")).entries), [3, 2, 1]);
    assert.deepEqual(seqs((await walk("run=2&order=asc&limit=2")).entries), [4, 5, 6]);
    assert.deepEqual(seqs((await walk("kind=SOLD&limit=1")).entries), [6, 4, 2]);
    assert.deepEqual(seqs((await walk("kind=RELEASED&order=asc&limit=1")).entries), [1, 3, 5]);
    assert.deepEqual(seqs((await walk("kind=SOLD,RELEASED&limit=5")).entries), [6, 5, 4, 3, 2, 1]);
    assert.deepEqual(seqs((await walk("text=needle&limit=1")).entries), [6, 4, 1]);
    assert.deepEqual(seqs((await walk("text=needle&order=asc")).entries), [1, 4, 6]);
    assert.deepEqual(seqs((await walk("run=2&kind=SOLD&limit=1")).entries), [6, 4]);
    assert.deepEqual(seqs((await walk("kind=RELEASED&text=needle&order=asc")).entries), [1]);
  });

  it("exports in seq order, as ndjson and csv, filtered or not", async () => {
    const nd = await call(ev, "?format=ndjson");
    assert.equal(nd.status, 200);
    const rows = (await nd.text()).trimEnd().split("\n").map((l) => JSON.parse(l) as Entry);
    assert.deepEqual(seqs(rows), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(rows.map((r) => Number(r.id)), [50, 10, 40, 20, 60, 30]);
    const csv = (await (await call(ev, "?format=csv&run=2")).text()).trimEnd().split("\r\n");
    assert.match(csv[0], /^id,run,/, "the CSV names rows by id (it has no seq column)");
    assert.deepEqual(csv.slice(1).map((l) => Number(l.split(",")[0])), [20, 60, 30], "the ids of seq 4, 5, 6");
    const sold = (await (await call(ev, "?format=ndjson&kind=SOLD")).text()).trimEnd().split("\n").map((l) => JSON.parse(l) as Entry);
    assert.deepEqual(seqs(sold), [2, 4, 6]);
  });

  it("refuses a cursor signed when pages went by row id, rather than reading its id as a seq", async () => {
    const first = await page("?limit=2");
    const [, scope] = first.nextCursor!.split(".");
    // A cursor "after id 20" as pages by id signed it (lib/history/cursor.ts before), beside
    // the same position signed as a seq now, which is accepted (the key is derived alike).
    const signed = (label: string, after: number) => {
      const key = createHash("sha256").update(`${label}\0${process.env.ADMIN_TOKEN ?? ""}\0${process.env.DATABASE_URL}`).digest();
      const body = `${after.toString(36)}.${scope}`;
      return `${body}.${createHmac("sha256", key).update(body).digest("base64url").slice(0, 22)}`;
    };
    const now = await page(`?limit=2&cursor=${encodeURIComponent(signed("ticketing-log-cursor-seq", 5))}`);
    assert.deepEqual(seqs(now.entries), [4, 3]);
    const res = await call(ev, `?limit=2&cursor=${encodeURIComponent(signed("ticketing-log-cursor", 20))}`);
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as { error: { message: string } }).error.message, /start again from the first page/);
  });
});

describe("the live tail follows seq", () => {
  it("sees a row committed later with a lower id than any it has seen", async () => {
    // The logs page: the first page newest first, then new rows oldest first from its tailCursor.
    const first = await page("?limit=2");
    assert.deepEqual(seqs(first.entries), [6, 5]);
    let tail = first.tailCursor!;
    const quiet = await page(`?order=asc&limit=1000&cursor=${encodeURIComponent(tail)}`);
    assert.deepEqual(quiet.entries, [], "nothing new yet");
    tail = quiet.nextCursor!;
    assert.ok(tail, "the cursor stays, to ask again with");

    // A row that committed late on another node: seq 7, but id 5, below every id seen (10 … 60).
    await insertLog(ev, [7, 5, 2, "SOLD", "Customer 4 bought a late needle"]);
    assert.ok(5 < Math.min(...ROWS.map((r) => r[1])));
    const fresh = await page(`?order=asc&limit=1000&cursor=${encodeURIComponent(tail)}`);
    assert.deepEqual(fresh.entries.map((e) => [Number(e.seq), Number(e.id)]), [[7, 5]], "the tail finds it");
    assert.deepEqual((await page(`?order=asc&limit=1000&cursor=${encodeURIComponent(fresh.nextCursor!)}`)).entries, [], "and only once");

    // The first page's tail cursor, asked only now, and filtered tails, see it too.
    assert.deepEqual(seqs((await page(`?order=asc&cursor=${encodeURIComponent(first.tailCursor!)}`)).entries), [7]);
    const soldFirst = await page("?kind=SOLD&limit=1");
    assert.deepEqual(seqs(soldFirst.entries), [7], "newest first, the late row is the newest");
    assert.deepEqual(seqs((await page("?kind=SOLD&run=2&limit=1")).entries), [7]);
    assert.deepEqual(seqs((await walk("order=asc&limit=3")).entries), [1, 2, 3, 4, 5, 6, 7]);
    const nd = (await (await call(ev, "?format=ndjson&text=needle")).text()).trimEnd().split("\n").map((l) => JSON.parse(l) as Entry);
    assert.deepEqual(nd.map((e) => [Number(e.seq), Number(e.id)]), [[1, 50], [4, 20], [6, 30], [7, 5]]);
  });

  it("a filtered tail taken before the late row sees it too", async () => {
    const [res] = await t.sql.query("INSERT INTO Event (name, totalTickets, maxTicketCapacity, ticketReleaseRate, customerRetrievalRate, run, status) VALUES ('Seq tail', 100, 10, 1, 1, 1, 'RUNNING')");
    const other = (res as { insertId: number }).insertId;
    await insertLog(other, [1, 1_000, 1, "SOLD", "a sale"]);
    await insertLog(other, [2, 900, 1, "RELEASED", "a release"]);
    const q = (query: string) => call(other, query).then(async (r) => (await r.json()) as Page);
    const byKind = (await q("?kind=SOLD")).tailCursor!;
    const byRun = (await q("?run=1")).tailCursor!;
    const byText = (await q("?text=sale")).tailCursor!;
    await insertLog(other, [3, 800, 1, "SOLD", "a late sale"]);
    for (const [what, cursor, query] of [["kind", byKind, "&kind=SOLD"], ["run", byRun, "&run=1"], ["text", byText, "&text=sale"]]) {
      const got = await q(`?order=asc${query}&cursor=${encodeURIComponent(cursor)}`);
      assert.deepEqual(got.entries.map((e) => [Number(e.seq), Number(e.id)]), [[3, 800]], what);
    }
  });
});

describe("a search looks at a bounded stretch of seq", () => {
  it("finds rare matches among 50,000 rows whose ids run against their seq, in short requests both ways", async () => {
    const [res] = await t.sql.query("INSERT INTO Event (name, totalTickets, maxTicketCapacity, ticketReleaseRate, customerRetrievalRate, run, status) VALUES ('Long log, ids backwards', 100, 10, 1, 1, 1, 'STOPPED')");
    const long = (res as { insertId: number }).insertId;
    // seq 1 … 50,000 with ids 10,050,000 down to 10,000,001: the higher the seq, the lower the id.
    await t.sql.query(
      `INSERT INTO EventLog (id, eventId, seq, run, kind, actor, message, released, sold, available)
       SELECT 10050000 - n, ?, n + 1, 1, 'RELEASED', 'Vendor 1', IF(n IN (7, 25000, 49000), CONCAT('the needle ', n), CONCAT('hay ', n)), 0, 0, 0
         FROM ${NUMBERS_50K}`,
      [long],
    );
    await t.sql.query("UPDATE Event SET logSeq = 50000 WHERE id = ?", [long]);
    for (const [order, expected] of [["desc", [49001, 25001, 8]], ["asc", [8, 25001, 49001]]] as const) {
      for (const filter of ["text=needle", "run=1&text=needle", "kind=RELEASED&text=needle"]) {
        const got: number[] = [];
        let cursor: string | null = null;
        let requests = 0;
        do {
          const p = (await (await call(long, `?${filter}&order=${order}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`)).json()) as Page;
          got.push(...seqs(p.entries));
          for (const e of p.entries) assert.equal(Number(e.id), 10050000 - (Number(e.seq) - 1), "each entry carries its own id");
          cursor = p.hasMore ? p.nextCursor : null;
          requests++;
        } while (cursor && requests < 20);
        assert.deepEqual(got, expected, `${order}, ${filter}`);
        assert.ok(requests >= 3, `${order}, ${filter}: 50,000 rows are searched in bounded stretches (${requests} requests)`);
      }
    }
    // An empty first page under the budget still gives a tail that finds a match written later.
    const first = (await (await call(long, "?text=haystack")).json()) as Page;
    assert.deepEqual([first.entries.length, first.hasMore], [0, true]);
    await t.sql.query("INSERT INTO EventLog (id, eventId, seq, run, kind, actor, message, released, sold, available) VALUES (3, ?, 50001, 1, 'SOLD', 'x', 'a haystack', 0, 0, 0)", [long]);
    let cursor: string | null = first.tailCursor!;
    const found: number[] = [];
    for (let requests = 0; cursor && requests < 5; requests++) {
      const p = (await (await call(long, `?text=haystack&order=asc&cursor=${encodeURIComponent(cursor)}`)).json()) as Page;
      found.push(...seqs(p.entries));
      cursor = p.hasMore ? p.nextCursor : null;
    }
    assert.deepEqual(found, [50001]);
  });
});
