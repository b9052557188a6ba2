import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import mysql from "mysql2/promise";
import { createTestDatabase, useDatabase, type TestDatabase } from "../helpers/database";
import { assertPoolInvariants } from "../helpers/invariants";

// The live feed follows each event's log sequence (EventLog.seq), not row ids: on a cluster ids
// have gaps and commit out of order, and a feed that reads `id > cursor` skips a row committed
// late. So seq must be, per event, exactly 1 … N (no gap, no duplicate) and in commit order: a
// reader polling `seq > cursor` never finds a number missing that turns up later below its
// cursor. Here every kind of log writer runs at once on several events: the running sales'
// batches, real buyers' joins (both on the hot path's deferred writer), operators' controls
// and roster changes (Prisma transactions), and appendLogs called directly on both kinds of
// transaction with rows of several events in one call.

let t: TestDatabase;
let lib: {
  createEvent: typeof import("../../lib/events/create").createEvent;
  control: typeof import("../../lib/events/control");
  roster: typeof import("../../lib/events/roster");
  buy: typeof import("../../lib/events/buy").buy;
  engine: typeof import("../../lib/engine/engine").engine;
  appendLogs: typeof import("../../lib/log/append").appendLogs;
  lockEvent: typeof import("../../lib/db/lock").lockEvent;
  db: typeof import("../../lib/db/client").db;
  sqlTransaction: typeof import("../../lib/db/sql").sqlTransaction;
  closeDb: () => Promise<void>;
};

before(async () => {
  t = await createTestDatabase("logseq");
  useDatabase(t.url);
  process.env.DB_POOL_SIZE = "20";
  lib = {
    createEvent: (await import("../../lib/events/create")).createEvent,
    control: await import("../../lib/events/control"),
    roster: await import("../../lib/events/roster"),
    buy: (await import("../../lib/events/buy")).buy,
    engine: (await import("../../lib/engine/engine")).engine,
    appendLogs: (await import("../../lib/log/append")).appendLogs,
    lockEvent: (await import("../../lib/db/lock")).lockEvent,
    db: (await import("../../lib/db/client")).db,
    sqlTransaction: (await import("../../lib/db/sql")).sqlTransaction,
    closeDb: (await import("../../lib/db/client")).closeDb,
  };
});

after(async () => {
  await lib.engine().shutdown();
  await lib.closeDb();
  await t.drop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const row = (eventId: number, run: number, message: string) => ({ eventId, run, kind: "CONFIG" as const, actor: "test", message, released: 0, sold: 0, available: 0, at: new Date() });

/** A live feed's read, on its own connection: every poll must continue the sequence exactly where the last one stopped. */
async function follow(eventIds: number[], until: () => boolean): Promise<{ seen: Map<number, bigint[]>; polls: number }> {
  const conn = await mysql.createConnection({ uri: t.url, supportBigNumbers: true, bigNumberStrings: true });
  const seen = new Map(eventIds.map((id) => [id, [] as bigint[]]));
  let polls = 0;
  try {
    const poll = async () => {
      for (const id of eventIds) {
        const got = seen.get(id)!;
        const cursor = got.at(-1) ?? 0n;
        const [rows] = await conn.query("SELECT seq FROM EventLog WHERE eventId = ? AND seq > ? ORDER BY seq", [id, String(cursor)]);
        const seqs = (rows as { seq: string }[]).map((r) => BigInt(r.seq));
        seqs.forEach((s, k) => assert.equal(s, cursor + BigInt(k) + 1n, `event ${id}: after ${cursor} the feed found ${seqs.slice(0, 10).join(", ")}… — a number is missing now that would commit later, below the cursor`));
        got.push(...seqs);
        polls++;
      }
    };
    while (!until()) {
      await poll();
      await sleep(5);
    }
    await poll(); // once everything has committed
  } finally {
    await conn.end();
  }
  return { seen, polls };
}

describe("the log sequence", () => {
  it("is 1 … N per event, gap-free and in commit order, under every kind of concurrent writer", async () => {
    const events = await Promise.all(
      [0, 1, 2].map((i) =>
        lib.createEvent({ name: `Seq ${i}`, totalTickets: 1_000_000, maxTicketCapacity: 200, ticketReleaseRate: 300, customerRetrievalRate: 40, vendors: 3, customers: 8, vipCustomers: 2 }),
      ),
    );
    for (const id of events) await lib.control.startEvent(id);
    let running = true;
    let writing = true;
    const reading = follow(events, () => !writing);
    const counts = { buys: 0, controls: 0, prismaDirect: 0, hotDirect: 0 };

    // Real buyers join each event's queue (their QUEUED rows are written by the join batches, deferred).
    const buyers = events.flatMap((id) =>
      Array.from({ length: 4 }, async (_, b) => {
        while (running) {
          await lib.buy(id, { buyer: `Buyer ${b}`, quantity: 1 + (b % 3), vip: b === 0 }, { deadline: Date.now() + 300, source: "API", caller: b === 0 ? "admin" : "public" }).catch(() => undefined);
          counts.buys++;
        }
      }),
    );
    // Operators: stop and start, add, pause, resume and remove actors (Prisma transactions).
    const operators = events.map(async (id, i) => {
      for (let k = 0; running; k++) {
        const kind = k % 2 ? "customer" : "vendor";
        const c = await lib.roster.addActor(id, kind, { name: `Extra ${i}.${k}`, vip: k % 4 === 1, rate: null });
        await lib.roster.setActorPaused(id, kind, c.id, true);
        await lib.roster.setActorPaused(id, kind, c.id, false);
        if (k % 3 === 0) {
          await lib.control.stopEvent(id);
          await lib.control.startEvent(id);
        }
        await lib.roster.removeActor(id, kind, c.id);
        counts.controls++;
      }
    });
    // appendLogs on both kinds of caller, each call with rows of two or three events (locked in id order, as one lock order).
    const pairs = [events, [events[0], events[2]], [events[1], events[2]]];
    const direct = pairs.flatMap((ids, p) => [
      (async () => {
        for (let k = 0; running; k++) {
          await lib.db().$transaction(async (tx) => {
            const runs: number[] = [];
            for (const id of ids) runs.push((await lib.lockEvent(tx, id))!.run);
            await lib.appendLogs(tx, ids.flatMap((id, j) => Array.from({ length: 1 + ((k + j) % 3) }, (_, r) => row(id, runs[j], `prisma ${p}.${k}.${r}`))));
          });
          counts.prismaDirect++;
        }
      })(),
      (async () => {
        for (let k = 0; running; k++) {
          await lib.sqlTransaction(async (tx) => {
            const runs: number[] = [];
            for (const id of ids) runs.push((await lib.lockEvent(tx, id))!.run);
            // Interleaved events in one call, and two calls in one transaction: each event's numbers still follow on.
            const rows = Array.from({ length: 7 }, (_, r) => row(ids[r % ids.length], runs[r % ids.length], `hot ${p}.${k}.${r}`));
            await lib.appendLogs(tx.deferred, rows);
            await lib.appendLogs(tx.deferred, rows.slice(0, 2));
          });
          counts.hotDirect++;
        }
      })(),
    ]);

    await sleep(6_000);
    running = false;
    await Promise.all([...buyers, ...operators, ...direct]);
    for (const id of events) await lib.control.stopEvent(id);
    await lib.engine().shutdown(); // the drivers' last rows are in
    writing = false;
    const { seen, polls } = await reading;
    assert.ok(counts.buys > 50 && counts.controls > 5 && counts.prismaDirect > 20 && counts.hotDirect > 20, `every writer wrote: ${JSON.stringify(counts)}`);

    for (const id of events) {
      const [logRows] = await t.sql.query("SELECT seq, run, kind, released, sold FROM EventLog WHERE eventId = ? ORDER BY seq", [id]);
      const rows = logRows as { seq: number; run: number; kind: string; released: number; sold: number }[];
      const [[ev]] = (await t.sql.query("SELECT logSeq FROM Event WHERE id = ?", [id])) as unknown as [[{ logSeq: number }]];
      assert.ok(rows.length > 500, `event ${id} has ${rows.length} log rows`);
      assert.deepEqual(
        rows.map((r) => Number(r.seq)),
        Array.from({ length: rows.length }, (_, k) => k + 1),
        `event ${id}: seq is exactly 1 … ${rows.length}`,
      );
      assert.equal(Number(ev.logSeq), rows.length, "the event's counter stands at its last number");
      assert.deepEqual(seen.get(id), rows.map((r) => BigInt(r.seq)), `event ${id}: the feed saw every row, in order, none appearing below its cursor later`);
      // Commit order: rows are stamped with the pool's counters after their change, and those never go down within a run.
      const kinds = new Set(["RELEASED", "SOLD", "STARTED", "STOPPED", "QUEUED", "REFUSED", "SOLD_OUT", "WAITING", "POOL_FULL"]);
      let last = { run: 0, released: 0, sold: 0 };
      for (const r of rows.filter((x) => kinds.has(x.kind))) {
        if (r.run === last.run) assert.ok(r.released >= last.released && r.sold >= last.sold, `event ${id}: seq ${r.seq} (${r.kind}) has counters ${r.released}/${r.sold} below an earlier row's ${last.released}/${last.sold}`);
        last = { run: r.run, released: r.released, sold: r.sold };
      }
      await assertPoolInvariants(t.sql, id);
    }
    assert.ok(polls > 100, `the feed polled while the writers ran (${polls})`);
  });

  it("numbers a new event's first row 1, and an event's rows go on from where its counter stands", async () => {
    const id = await lib.createEvent({ name: "Fresh", totalTickets: 10, maxTicketCapacity: 5, ticketReleaseRate: 1, customerRetrievalRate: 1, vendors: 0, customers: 0, vipCustomers: 0 });
    await lib.control.startEvent(id);
    const [rows] = await t.sql.query("SELECT seq, kind FROM EventLog WHERE eventId = ? ORDER BY seq", [id]);
    assert.deepEqual(
      (rows as { seq: number; kind: string }[]).map((r) => [Number(r.seq), r.kind]),
      [
        [1, "CREATED"],
        [2, "STARTED"],
      ],
    );
  });

  it("refuses rows for an event that is not there, rather than numbering them from another event's counter", async () => {
    await assert.rejects(lib.db().$transaction((tx) => lib.appendLogs(tx, [row(987_654, 1, "nobody")])));
    await assert.rejects(lib.sqlTransaction((tx) => lib.appendLogs(tx.deferred, [row(987_654, 1, "nobody")])));
    const [[{ n }]] = (await t.sql.query("SELECT COUNT(*) AS n FROM EventLog WHERE eventId = 987654")) as unknown as [[{ n: number }]];
    assert.equal(Number(n), 0);
  });
});
