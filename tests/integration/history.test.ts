import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { NUMBERS_50K, createTestDatabase, useDatabase, type TestDatabase } from "../helpers/database";
import { eventStatus, waitFor } from "../helpers/invariants";

// The read side of the history on a real database: exports match the rows one for one, log
// pages return every row exactly once while a sale writes new ones, and bad input is a 4xx.

let t: TestDatabase;
let lib: {
  createEvent: typeof import("../../lib/events/create").createEvent;
  control: typeof import("../../lib/events/control");
  engine: typeof import("../../lib/engine/engine").engine;
  closeDb: typeof import("../../lib/db/client").closeDb;
  logs: typeof import("../../app/api/events/[id]/logs/route");
  tickets: typeof import("../../app/api/events/[id]/tickets/route");
  purchases: typeof import("../../app/api/events/[id]/purchases/route");
  runs: typeof import("../../app/api/events/[id]/runs/route");
  analytics: typeof import("../../app/api/events/[id]/analytics/route");
};
let soldOut: number;

const event = (o: Partial<Parameters<typeof lib.createEvent>[0]> = {}) =>
  lib.createEvent({ name: "History", totalTickets: 3_000, maxTicketCapacity: 40, ticketReleaseRate: 2_000, customerRetrievalRate: 400, vendors: 4, customers: 8, vipCustomers: 2, ...o });

async function sellOut(id: number) {
  await lib.control.startEvent(id);
  await waitFor("sell-out", async () => ((await eventStatus(t.sql, id)).status === "SOLD_OUT" ? true : undefined), 90_000);
}

type Route = { GET: (req: Request, ctx: { params: Promise<{ id: string }> }) => Promise<Response> };
const call = (r: Route, id: number | string, query = "") => r.GET(new Request(`http://localhost/api/events/${id}/x${query}`), { params: Promise.resolve({ id: String(id) }) });

async function rows<T>(q: string, params: unknown[]): Promise<T[]> {
  const [r] = await t.sql.query(q, params);
  return r as T[];
}

before(async () => {
  t = await createTestDatabase("history");
  useDatabase(t.url);
  lib = {
    createEvent: (await import("../../lib/events/create")).createEvent,
    control: await import("../../lib/events/control"),
    engine: (await import("../../lib/engine/engine")).engine,
    closeDb: (await import("../../lib/db/client")).closeDb,
    logs: await import("../../app/api/events/[id]/logs/route"),
    tickets: await import("../../app/api/events/[id]/tickets/route"),
    purchases: await import("../../app/api/events/[id]/purchases/route"),
    runs: await import("../../app/api/events/[id]/runs/route"),
    analytics: await import("../../app/api/events/[id]/analytics/route"),
  };
  soldOut = await event();
  await sellOut(soldOut);
});

after(async () => {
  await lib.engine().shutdown();
  await lib.closeDb();
  await t.drop();
});

const iso = (d: Date | null) => (d ? d.toISOString() : null);

describe("exports", () => {
  it("streams every ticket, row for row, in json, ndjson and csv, with a file name", async () => {
    const db = await rows<{ id: number; seq: number; run: number; vendorId: number; vendor: string; releasedAt: Date; purchaseId: string | null; buyer: string | null; vip: number | null; soldAt: Date | null }>(
      `SELECT t.id, t.run, t.vendorId, v.name AS vendor, t.releasedAt, p.publicId AS purchaseId, t.buyer, p.vip, t.soldAt
         FROM Ticket t JOIN Vendor v ON v.id = t.vendorId LEFT JOIN Purchase p ON p.id = t.purchaseId WHERE t.eventId = ? ORDER BY t.run, t.releasedAt, t.id`,
      [soldOut],
    );
    assert.equal(db.length, 3_000);
    const expected = db.map((r) => ({ id: Number(r.id), run: r.run, vendorId: r.vendorId, vendor: r.vendor, releasedAt: iso(r.releasedAt), purchaseId: r.purchaseId, buyer: r.buyer, vip: r.vip === null ? null : Boolean(r.vip), soldAt: iso(r.soldAt) }));

    const json = await call(lib.tickets, soldOut);
    assert.equal(json.status, 200);
    assert.equal(json.headers.get("content-disposition"), `attachment; filename="event-${soldOut}-tickets.json"`);
    assert.deepEqual(JSON.parse(await json.text()), expected);

    const nd = await call(lib.tickets, soldOut, "?format=ndjson&run=1");
    assert.equal(nd.headers.get("content-disposition"), `attachment; filename="event-${soldOut}-tickets-run-1.ndjson"`);
    const lines = (await nd.text()).trimEnd().split("\n").map((l) => JSON.parse(l));
    assert.deepEqual(lines, expected);

    const csv = (await (await call(lib.tickets, soldOut, "?format=csv")).text()).trimEnd().split("\r\n");
    assert.equal(csv[0], "id,run,vendorId,vendor,releasedAt,purchaseId,buyer,vip,soldAt");
    assert.equal(csv.length, 3_001);
    const last = expected[expected.length - 1];
    assert.equal(csv[3_000], [last.id, last.run, last.vendorId, last.vendor, last.releasedAt, last.purchaseId ?? "", last.buyer ?? "", last.vip ?? "", last.soldAt ?? ""].join(","));
  });

  it("streams every purchase with the tickets it holds", async () => {
    const db = await rows<{ publicId: string; run: number; buyer: string; vip: number; quantity: number; source: string; status: string; requestedAt: Date; completedAt: Date | null; waitMs: number | null; tickets: number }>(
      "SELECT p.*, (SELECT COUNT(*) FROM Ticket t WHERE t.purchaseId = p.id) AS tickets FROM Purchase p WHERE p.eventId = ? ORDER BY p.run, p.completedAt, p.id",
      [soldOut],
    );
    const res = await call(lib.purchases, soldOut, "?format=ndjson");
    assert.equal(res.headers.get("content-type"), "application/x-ndjson; charset=utf-8");
    const got = (await res.text()).trimEnd().split("\n").map((l) => JSON.parse(l));
    assert.ok(got.length > 10);
    assert.deepEqual(
      got,
      db.map((p) => ({ purchaseId: p.publicId, run: p.run, buyer: p.buyer, vip: Boolean(p.vip), quantity: p.quantity, tickets: Number(p.tickets), source: p.source, status: p.status, requestedAt: iso(p.requestedAt), completedAt: iso(p.completedAt), waitMs: p.waitMs })),
    );
    assert.equal(got.reduce((s, p) => s + p.tickets, 0), 3_000);
    assert.ok(got.every((p) => (p.status === "COMPLETED" ? p.tickets === p.quantity : p.tickets < p.quantity)));
  });

  it("streams the log as ndjson, row for row", async () => {
    const db = await rows<{ id: number; seq: number; run: number; kind: string; actor: string; vip: number; ticketId: number | null; lastTicketId: number | null; tickets: number; message: string; released: number; sold: number; available: number; createdAt: Date }>(
      "SELECT * FROM EventLog WHERE eventId = ? ORDER BY seq",
      [soldOut],
    );
    const got = (await (await call(lib.logs, soldOut, "?format=ndjson")).text()).trimEnd().split("\n").map((l) => JSON.parse(l));
    const str = (v: number | null) => (v === null ? null : String(v));
    assert.deepEqual(
      got,
      db.map((r) => ({ id: String(r.id), seq: String(r.seq), run: r.run, kind: r.kind, actor: r.actor, vip: Boolean(r.vip), ticketId: str(r.ticketId), lastTicketId: str(r.lastTicketId), tickets: r.tickets, message: r.message, released: r.released, sold: r.sold, available: r.available, at: iso(r.createdAt) })),
    );
  });

  it("gives its database connection back when a download is abandoned", async () => {
    // Ten abandoned downloads on a pool of four: each must close its cursor's connection.
    for (let i = 0; i < 10; i++) {
      const res = await call(lib.tickets, soldOut, "?format=csv");
      const reader = res.body!.getReader();
      await reader.read();
      await reader.cancel();
    }
    const whole = await (await call(lib.tickets, soldOut, "?format=ndjson")).text();
    assert.equal(whole.trimEnd().split("\n").length, 3_000);
  });

  it("streams the log as csv in seq order", async () => {
    const ids = await rows<{ id: number }>("SELECT id FROM EventLog WHERE eventId = ? ORDER BY seq", [soldOut]);
    const csv = (await (await call(lib.logs, soldOut, "?format=csv")).text()).trimEnd().split("\r\n");
    assert.equal(csv.length - 1, ids.length);
    assert.deepEqual(csv.slice(1).map((l) => Number(l.split(",")[0])), ids.map((r) => Number(r.id)));
  });
});

describe("log pages", () => {
  it("return every row exactly once, by keyset, while a sale is writing new rows", async () => {
    const live = await event({ name: "Live", totalTickets: 200_000, maxTicketCapacity: 500, ticketReleaseRate: 300, customerRetrievalRate: 100, vendors: 3, customers: 10, vipCustomers: 3 });
    await lib.control.startEvent(live);
    const seen: number[] = [];
    let cursor: string | null = null;
    let grewMeanwhile = 0;
    try {
      await waitFor("some log rows", async () => (await rows<{ n: number }>("SELECT COUNT(*) AS n FROM EventLog WHERE eventId = ?", [live]))[0].n >= 20);
      for (let pages = 0; pages < 40; pages++) {
        const res = await call(lib.logs, live, `?order=asc&limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
        assert.equal(res.status, 200);
        const page = (await res.json()) as { entries: { seq: string }[]; nextCursor: string };
        seen.push(...page.entries.map((e) => Number(e.seq)));
        cursor = page.nextCursor;
        const [{ n }] = await rows<{ n: number }>("SELECT COUNT(*) AS n FROM EventLog WHERE eventId = ? AND seq > ?", [live, seen[seen.length - 1] ?? 0]);
        if (n > 7) grewMeanwhile++;
        await new Promise((r) => setTimeout(r, 30));
      }
    } finally {
      await lib.control.stopEvent(live);
    }
    assert.ok(grewMeanwhile >= 5, "rows were being written while the pages were read");
    assert.equal(new Set(seen).size, seen.length, "no row twice");
    const inDb = await rows<{ seq: number }>("SELECT seq FROM EventLog WHERE eventId = ? AND seq <= ? ORDER BY seq", [live, seen[seen.length - 1]]);
    assert.deepEqual(seen, inDb.map((r) => Number(r.seq)), "no row missed");
  });

  it("pages newest first through every row there was, exactly once, while new rows are written above", async () => {
    const live = await event({ name: "Live, newest first", totalTickets: 200_000, maxTicketCapacity: 500, ticketReleaseRate: 300, customerRetrievalRate: 100, vendors: 3, customers: 10, vipCustomers: 3 });
    await lib.control.startEvent(live);
    const seen: number[] = [];
    let top = 0;
    try {
      await waitFor("some log rows", async () => (await rows<{ n: number }>("SELECT COUNT(*) AS n FROM EventLog WHERE eventId = ?", [live]))[0].n >= 60);
      let cursor: string | null = null;
      do {
        const res = await call(lib.logs, live, `?limit=9${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
        const page = (await res.json()) as { entries: { seq: string }[]; nextCursor: string | null };
        if (!cursor) top = Number(page.entries[0].seq);
        seen.push(...page.entries.map((e) => Number(e.seq)));
        cursor = page.nextCursor;
        await new Promise((r) => setTimeout(r, 20));
      } while (cursor);
      const [{ n }] = await rows<{ n: number }>("SELECT COUNT(*) AS n FROM EventLog WHERE eventId = ? AND seq > ?", [live, top]);
      assert.ok(n > 0, "rows were written above the first page meanwhile");
    } finally {
      await lib.control.stopEvent(live);
    }
    const inDb = await rows<{ seq: number }>("SELECT seq FROM EventLog WHERE eventId = ? AND seq <= ? ORDER BY seq DESC", [live, top]);
    assert.deepEqual(seen, inDb.map((r) => Number(r.seq)));
  });

  it("pages newest first through the filtered rows", async () => {
    const all = await rows<{ id: number }>("SELECT id FROM EventLog WHERE eventId = ? AND kind = 'SOLD' AND vip = 1 ORDER BY seq DESC", [soldOut]);
    assert.ok(all.length > 3);
    const got: number[] = [];
    let cursor: string | null = null;
    do {
      const res = await call(lib.logs, soldOut, `?kind=SOLD&vip=true&limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      const page = (await res.json()) as { entries: { id: string; kind: string; vip: boolean }[]; nextCursor: string | null };
      assert.ok(page.entries.every((e) => e.kind === "SOLD" && e.vip));
      got.push(...page.entries.map((e) => Number(e.id)));
      cursor = page.nextCursor;
    } while (cursor);
    assert.deepEqual(got, all.map((r) => Number(r.id)));
  });

  it("finds rare matches among many rows in short requests, each looking at a bounded stretch of the log", async () => {
    const id = await event({ name: "Long log" });
    await t.sql.query(
      `INSERT INTO EventLog (eventId, seq, run, kind, actor, message, released, sold, available)
       SELECT ?, (SELECT logSeq FROM Event WHERE id = ?) + n + 1, 1, 'RELEASED', 'Vendor 1', IF(n IN (7, 25000, 49000), CONCAT('the needle ', n), CONCAT('hay ', n)), 0, 0, 0
         FROM ${NUMBERS_50K}`,
      [id, id],
    );
    await t.sql.query("UPDATE Event SET logSeq = logSeq + 50000 WHERE id = ?", [id]);
    const needles = await rows<{ id: number }>("SELECT id FROM EventLog WHERE eventId = ? AND message LIKE 'the needle%' ORDER BY seq DESC", [id]);
    assert.equal(needles.length, 3);
    for (const order of ["desc", "asc"] as const) {
      const got: number[] = [];
      let cursor: string | null = null;
      let requests = 0;
      do {
        const page = (await (await call(lib.logs, id, `?text=needle&order=${order}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`)).json()) as { entries: { id: string }[]; nextCursor: string | null; hasMore: boolean };
        got.push(...page.entries.map((e) => Number(e.id)));
        cursor = page.hasMore ? page.nextCursor : null;
        requests++;
      } while (cursor && requests < 20);
      assert.deepEqual(got, order === "desc" ? needles.map((r) => Number(r.id)) : needles.map((r) => Number(r.id)).reverse(), order);
      assert.ok(requests >= 3, `${order}: 50,000 rows are searched in bounded stretches (${requests} requests)`);
    }
  });

  it("filters by text, actor and time range", async () => {
    const [first] = await rows<{ actor: string; createdAt: Date }>("SELECT actor, createdAt FROM EventLog WHERE eventId = ? AND kind = 'RELEASED' ORDER BY seq LIMIT 1", [soldOut]);
    const byActor = (await (await call(lib.logs, soldOut, `?actor=${encodeURIComponent(first.actor)}&limit=1000`)).json()) as { entries: { actor: string }[] };
    assert.ok(byActor.entries.length > 0 && byActor.entries.every((e) => e.actor === first.actor));
    const text = (await (await call(lib.logs, soldOut, "?text=sold%20out&limit=1000")).json()) as { entries: { message: string }[] };
    assert.ok(text.entries.length >= 1 && text.entries.every((e) => /sold out/i.test(e.message)));
    const to = new Date(first.createdAt.getTime() + 1).toISOString();
    const early = (await (await call(lib.logs, soldOut, `?to=${to}&limit=1000`)).json()) as { entries: { at: string }[] };
    assert.ok(early.entries.length >= 1 && early.entries.every((e) => e.at < to));
  });
});

describe("metrics", () => {
  it("reports tickets, pool and queue per event, waits, batches, queries and the process in Prometheus text", async () => {
    const { GET } = await import("../../app/api/metrics/route");
    const res = await GET(new Request("http://localhost/api/metrics"), {});
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const value = (name: string) => {
      const line = text.split("\n").find((l) => l.startsWith(`${name} `));
      assert.ok(line, `${name} is reported`);
      return Number(line.split(" ")[1]);
    };
    assert.equal(value(`ticketing_tickets_sold{event="${soldOut}"}`), 3_000);
    assert.equal(value(`ticketing_tickets_released{event="${soldOut}"}`), 3_000);
    assert.equal(value(`ticketing_pool_tickets{event="${soldOut}"}`), 0);
    assert.ok(value('ticketing_purchase_wait_seconds_count{class="regular"}') > 0);
    assert.ok(value('ticketing_purchase_wait_seconds_count{class="vip"}') > 0);
    assert.ok(value("ticketing_batch_duration_seconds_count") > 10);
    assert.ok(value('ticketing_db_query_seconds_count{pool="hot"}') > 10);
    assert.ok(value('ticketing_db_query_seconds_count{pool="read"}') > 0);
    assert.equal(value("ticketing_sse_clients"), 0);
    assert.ok(value("process_resident_memory_bytes") > 0);
    // The stopped live event of the pagination test keeps its real buyers' queue: reported per class.
    assert.match(text, /ticketing_queue_depth\{event="\d+",class="vip"\} \d+/);
  });
});

describe("run history and analytics", () => {
  it("summarises a sold-out run from its rows, and keeps it after a reset", async () => {
    type Runs = { runs: import("../../lib/contracts/history").RunSummary[] };
    const before = ((await (await call(lib.runs, soldOut)).json()) as Runs).runs;
    assert.equal(before.length, 1);
    const r1 = before[0];
    assert.equal(r1.run, 1);
    assert.deepEqual([r1.released, r1.sold], [3_000, 3_000]);
    assert.ok(r1.startedAt && r1.soldOutAt && r1.endedAt === r1.soldOutAt);
    assert.equal(r1.timeToSellOutMs, Date.parse(r1.soldOutAt) - Date.parse(r1.startedAt));
    assert.ok(r1.averageSaleRate! > 0 && r1.peakSaleRate! >= 0.9 * r1.averageSaleRate!, `peak ${r1.peakSaleRate} vs average ${r1.averageSaleRate}`);
    assert.deepEqual(r1.config, { totalTickets: 3_000, maxTicketCapacity: 40, ticketReleaseRate: 2_000, customerRetrievalRate: 400, vendors: 4, customers: 8, vipCustomers: 2 });
    assert.deepEqual(r1.actors, { vendors: 4, customers: 8 });
    const [{ vipServed, regularServed }] = await rows<{ vipServed: number; regularServed: number }>(
      "SELECT SUM(vip AND status = 'COMPLETED') AS vipServed, SUM(NOT vip AND status = 'COMPLETED') AS regularServed FROM Purchase WHERE eventId = ?",
      [soldOut],
    );
    assert.deepEqual([r1.waits.vip.served, r1.waits.regular.served], [Number(vipServed), Number(regularServed)]);
    assert.ok(r1.waits.regular.medianMs !== null && r1.waits.regular.p95Ms! >= r1.waits.regular.medianMs);
    assert.deepEqual(r1.forecast.map((f) => f.fraction), [0.25, 0.5, 0.75]);
    for (const f of r1.forecast) {
      assert.equal(f.errorMs, f.forecastMs - r1.timeToSellOutMs!);
      assert.ok(f.recentForecastMs === null || f.recentErrorMs === f.recentForecastMs - r1.timeToSellOutMs!);
    }

    await lib.control.resetEvent(soldOut);
    const after = ((await (await call(lib.runs, soldOut)).json()) as Runs).runs;
    assert.deepEqual(after.map((r) => [r.run, r.current, r.sold]), [[1, false, 3_000], [2, true, 0]]);
    assert.equal(after[1].startedAt, null, "run 2 has not started");
    const one = ((await (await call(lib.runs, soldOut, "?run=1")).json()) as Runs).runs;
    assert.deepEqual(one, [{ ...after[0] }]);
  });

  it("charts a run by time bucket: cumulative counts end at the totals, the pool stays within capacity", async () => {
    const a = (await (await call(lib.analytics, soldOut, "?run=1")).json()) as import("../../lib/contracts/analytics").Analytics;
    assert.ok(a.points.length > 1 && a.points.length <= 300, `${a.points.length} points`);
    const last = a.points[a.points.length - 1];
    assert.deepEqual([last.cumulativeReleased, last.cumulativeSold, last.pool], [3_000, 3_000, 0]);
    assert.equal(a.points.reduce((s, p) => s + p.released, 0), 3_000);
    assert.ok(a.points.every((p) => p.pool >= 0 && p.pool <= 40));
    assert.equal(a.topVendors.reduce((s, v) => s + v.tickets, 0), 3_000, "four vendors, all listed");
    assert.equal(a.topBuyers.length, 8);
    assert.equal(a.topBuyers.reduce((s, v) => s + v.tickets, 0), 3_000);
    assert.equal(a.forecastMs, a.soldOutMs);
    assert.ok(a.waitHistogram.reduce((s, h) => s + h.vip + h.regular, 0) > 0);
  });
});

describe("bad input is a 4xx with a message, never a 500", () => {
  const cases: [string, Route | "logs" | "tickets" | "purchases" | "runs" | "analytics", string | number, string, number][] = [
    ["an unknown event", "logs", 999_999, "", 404],
    ["an id that is not one", "tickets", "abc", "", 404],
    ["an unknown run", "tickets", -1, "?run=7", 404],
    ["an unknown run's summary", "runs", -1, "?run=9", 404],
    ["an unknown run's charts", "analytics", -1, "?run=9", 404],
    ["run zero", "purchases", -1, "?run=0", 400],
    ["an unknown kind", "logs", -1, "?kind=SOLD,BOGUS", 400],
    ["vip that is not a flag", "logs", -1, "?vip=maybe", 400],
    ["an inverted time range", "logs", -1, "?from=2026-11-26T10:00:00Z&to=2026-11-26T09:00:00Z", 400],
    ["an absurd time", "logs", -1, "?from=9999-01-01T00:00:00Z", 400],
    ["a time that is not one", "logs", -1, "?from=yesterday", 400],
    ["format=xml", "tickets", -1, "?format=xml", 400],
    ["format=xml on the log", "logs", -1, "?format=xml", 400],
    ["a page of 10^9 rows", "logs", -1, "?limit=1000000000", 400],
    ["a cursor that was never given out", "logs", -1, "?cursor=abc", 400],
    ["an unknown parameter", "purchases", -1, "?colour=red", 400],
    ["a parameter given twice", "logs", -1, "?kind=SOLD&kind=RELEASED", 400],
  ];
  for (const [what, which, id, query, status] of cases) {
    it(`answers ${status} to ${what}`, async () => {
      const res = await call(lib[which as "logs"], id === -1 ? soldOut : id, query);
      assert.equal(res.status, status);
      const body = (await res.json()) as { error: { code: string; message: string } };
      assert.ok(body.error.message.length > 10, body.error.message);
    });
  }

  it("refuses a cursor that was altered, or carried over to other filters", async () => {
    const page = (await (await call(lib.logs, soldOut, "?limit=2")).json()) as { nextCursor: string };
    const [pos, scope, mac] = page.nextCursor.split(".");
    const forged = `${(parseInt(pos, 36) + 1).toString(36)}.${scope}.${mac}`;
    const altered = await call(lib.logs, soldOut, `?limit=2&cursor=${forged}`);
    assert.equal(altered.status, 400);
    assert.match(((await altered.json()) as { error: { message: string } }).error.message, /altered/);
    const other = await call(lib.logs, soldOut, `?limit=2&kind=SOLD&cursor=${page.nextCursor}`);
    assert.equal(other.status, 400);
    const ok = await call(lib.logs, soldOut, `?limit=2&cursor=${page.nextCursor}`);
    assert.equal(ok.status, 200);
  });
});
