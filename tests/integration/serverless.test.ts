import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { assertPoolInvariants, waitFor } from "../helpers/invariants";
import { startPlatform, type Platform } from "../helpers/serverless";
import { ensureBuilt } from "../helpers/standalone";

// A sale sold out on an emulated serverless platform (tests/helpers/serverless.ts): three
// instances of Next's bare server.js in ENGINE_MODE=on-demand behind a front proxy that
// freezes each one whenever it has no request in flight, thaws it when a request comes, ends
// streams at their "maxDuration", and every 20 s kills one instance with `kill -9` and starts
// a fresh one. Through it: simulated vendors and customers, 50 real buyers retrying with
// their Idempotency-Key, 20 live viewers reconnecting with Last-Event-ID, and pause / add /
// remove sent to whichever instance the proxy picks. Then every promise is checked from the
// database.

const TOKEN = "serverless-admin-token-0123";
const ADMIN = { "content-type": "application/json", authorization: `Bearer ${TOKEN}` };
const TOTAL = 3_000;
const VENDOR_RATE = 25;
const VENDORS = 4;
const RECYCLE_MS = 20_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Answer = { status: number; purchaseId?: string; ticketIds?: (string | number)[]; code?: string; by?: string | null; replayed?: boolean; at?: number };
type ViewerLog = { seqs: string[]; skipped: number; first: bigint | null; last: bigint | null; snapshotsAfterFirst: number; connects: number; frames: Frame[] };
/** One update as a viewer took it: the range it claims, (from, to], and what it brought (for a mismatch's report). */
type Frame = { conn: number; from: bigint; to: bigint; rows: number; skipped: number; resumed: boolean };

let t: TestDatabase;
let platform: Platform;

before(async () => {
  ensureBuilt();
  t = await createTestDatabase("serverless");
  platform = await startPlatform({
    instances: 3,
    streamMaxMs: [3_000, 8_000],
    env: {
      DATABASE_URL: t.url,
      ENGINE_MODE: "on-demand",
      // As on a serverless runtime, purchases and live streams go through the route handlers.
      FRONT_FAST_PATHS: "0",
      ADMIN_TOKEN: TOKEN,
      ENGINE_TICK_MS: "50",
      LOG_LEVEL: "warn",
      // Every request reaches the instances from the proxy's one address.
      PURCHASE_RATE_PER_SECOND: "100000",
      PURCHASE_RATE_BURST: "100000",
    },
  });
});

after(async () => {
  await platform?.close();
  await t?.drop();
});

describe("a sale on a serverless platform", () => {
  it("sells out with every promise kept while instances are frozen, thawed and recycled", { timeout: 240_000 }, async () => {
    const api = (path: string, init: RequestInit = {}) => fetch(`${platform.url}${path}`, { ...init, signal: AbortSignal.timeout(20_000) });
    const created = await api("/api/events", {
      method: "POST",
      headers: ADMIN,
      body: JSON.stringify({ name: "Serverless sale", totalTickets: TOTAL, maxTicketCapacity: 150, ticketReleaseRate: VENDOR_RATE, customerRetrievalRate: 4, vendors: VENDORS, customers: 6, vipCustomers: 1 }),
    });
    assert.equal(created.status, 201);
    const { id } = (await created.json()) as { id: number };
    assert.equal((await api(`/api/events/${id}/start`, { method: "POST", headers: ADMIN, body: "{}" })).status, 200);
    const startedAt = Date.now();
    let soldOut = false;
    let stop = false;

    // The platform recycles an instance every 20 s.
    const recycled: string[] = [];
    const recycler = (async () => {
      while (!stop) {
        const until = Date.now() + RECYCLE_MS;
        while (!stop && Date.now() < until) await sleep(200);
        if (stop) break;
        const r = await platform.recycle();
        recycled.push(`${r.killed}→${r.started}`);
      }
    })();

    // 50 real buyers: each purchase retried with its key until it has a final answer.
    const answers = new Map<string, Answer[]>();
    const unexpected: string[] = [];
    const buyer = async (b: number) => {
      for (let n = 0; !soldOut && !stop; n++) {
        const key = `buyer-${b}-${n}`;
        const list: Answer[] = [];
        answers.set(key, list);
        for (let attempt = 0; !stop; attempt++) {
          let res: Response;
          try {
            res = await api(`/api/events/${id}/purchases`, {
              method: "POST",
              headers: { "content-type": "application/json", "idempotency-key": key, prefer: "wait=3" },
              body: JSON.stringify({ buyer: `Buyer ${b}`, quantity: 1 + (b % 2) }),
            });
          } catch {
            await sleep(200);
            continue;
          }
          const body = (await res.json().catch(() => null)) as { purchaseId?: string; ticketIds?: (string | number)[]; error?: { code: string } } | null;
          if (body === null) {
            // The answer was cut mid-body (its instance was killed): no answer, as for a lost connection.
            await sleep(200);
            continue;
          }
          list.push({ status: res.status, purchaseId: body.purchaseId, ticketIds: body.ticketIds, code: body.error?.code, by: res.headers.get("x-served-by"), replayed: res.headers.has("idempotent-replayed"), at: Date.now() - startedAt });
          if (res.status === 201) break;
          if (res.status === 409) {
            if (body.error?.code === "sold_out") soldOut = true;
            break;
          }
          if (res.status === 202 || res.status === 502 || res.status === 503) {
            await sleep(250);
            continue;
          }
          unexpected.push(`${key}: ${res.status} ${JSON.stringify(body).slice(0, 200)}`);
          break;
        }
        await sleep(200 + Math.random() * 400);
      }
    };

    // 20 viewers: each frame's rows collected; a cut stream is resumed from its last id (SSE ids are the event's log sequence, EventLog.seq).
    const viewers: ViewerLog[] = [];
    const viewer = async (log: ViewerLog) => {
      while (!stop) {
        const abort = new AbortController();
        const cut = setTimeout(() => abort.abort(), 30_000);
        try {
          const res = await fetch(`${platform.url}/api/events/${id}/stream`, { headers: log.last !== null ? { "last-event-id": String(log.last) } : {}, signal: abort.signal });
          if (res.status === 200 && res.body) {
            log.connects++;
            let firstFrame = true;
            const reader = res.body.getReader();
            const decoder = new TextDecoder();
            let text = "";
            for (;;) {
              const { value, done } = await reader.read();
              if (done) break;
              text += decoder.decode(value, { stream: true });
              let end: number;
              while ((end = text.indexOf("\n\n")) >= 0) {
                const frame = text.slice(0, end);
                text = text.slice(end + 2);
                const event = /^event: (.*)$/m.exec(frame)?.[1];
                const frameId = /^id: (.*)$/m.exec(frame)?.[1];
                const data = /^data: (.*)$/m.exec(frame)?.[1];
                if (!event || !frameId || !data) continue;
                const payload = JSON.parse(data) as { logs?: { seq: string }[]; skipped?: number };
                if (event === "snapshot") {
                  if (log.first === null) log.first = BigInt(frameId);
                  else log.snapshotsAfterFirst++;
                } else if (event === "update" && log.first !== null) {
                  for (const row of payload.logs ?? []) log.seqs.push(row.seq);
                  log.skipped += payload.skipped ?? 0;
                  log.frames.push({ conn: log.connects, from: log.last!, to: BigInt(frameId), rows: payload.logs?.length ?? 0, skipped: payload.skipped ?? 0, resumed: firstFrame });
                }
                firstFrame = false;
                log.last = BigInt(frameId);
              }
            }
          }
        } catch {
          /* cut: the instance died, or the stream's time was up */
        } finally {
          clearTimeout(cut);
        }
        await sleep(300 + Math.random() * 700); // EventSource's retry
      }
    };

    // The operator, through whichever instance the proxy picks.
    const operator = (async () => {
      const ev = (await (await api(`/api/events/${id}`)).json()) as { vendors: { id: number }[]; customers: { id: number }[] };
      await sleep(6_000);
      assert.equal((await api(`/api/events/${id}/vendors/${ev.vendors[0].id}`, { method: "PATCH", headers: ADMIN, body: JSON.stringify({ paused: true }) })).status, 200);
      await sleep(4_000);
      assert.equal((await api(`/api/events/${id}/vendors/${ev.vendors[0].id}`, { method: "PATCH", headers: ADMIN, body: JSON.stringify({ paused: false }) })).status, 200);
      assert.equal((await api(`/api/events/${id}/customers/${ev.customers[1].id}`, { method: "DELETE", headers: ADMIN })).status, 200);
      assert.equal((await api(`/api/events/${id}/customers`, { method: "POST", headers: ADMIN, body: JSON.stringify({ name: "Late customer", vip: false }) })).status, 201);
    })();

    const buyers = Array.from({ length: 50 }, (_, b) => buyer(b));
    for (let v = 0; v < 20; v++) {
      const log: ViewerLog = { seqs: [], skipped: 0, first: null, last: null, snapshotsAfterFirst: 0, connects: 0, frames: [] };
      viewers.push(log);
    }
    const watching = viewers.map((log) => viewer(log));

    await operator;
    await waitFor("the sale to sell out", async () => (await t.sql.query("SELECT status FROM Event WHERE id = ?", [id]).then(([r]) => (r as { status: string }[])[0].status)) === "SOLD_OUT", 180_000, 500);
    const soldOutAfterS = (Date.now() - startedAt) / 1000;
    soldOut = true;
    await Promise.all(buyers);
    await sleep(2_500); // the viewers take in the last rows
    stop = true;
    await Promise.all([...watching, recycler]);

    // Every invariant of DESIGN §4, from the rows alone.
    const pool = await assertPoolInvariants(t.sql, id);
    assert.deepEqual([pool.status, pool.sold, pool.released], ["SOLD_OUT", TOTAL, TOTAL]);
    assert.deepEqual(unexpected, [], "every answer was 201, 202, 409 sold_out, or the platform's own 502/503");

    // One purchase per key, the same in every answer; every ticket in at most one answer, and that purchase's.
    const [keyed] = await t.sql.query("SELECT idempotencyKey AS k, COUNT(*) AS n, MIN(publicId) AS pid FROM Purchase WHERE eventId = ? AND idempotencyKey IS NOT NULL GROUP BY idempotencyKey", [id]);
    const purchaseOfKey = new Map((keyed as { k: string; n: number; pid: string }[]).map((r) => [r.k, r]));
    for (const r of purchaseOfKey.values()) assert.equal(Number(r.n), 1, `key ${r.k}`);
    const answered = new Map<string, string>();
    let completed = 0;
    for (const [key, list] of answers) {
      const ids = new Set(list.map((a) => a.purchaseId).filter(Boolean));
      assert.ok(ids.size <= 1, `${key} was answered with ${[...ids].join(", ")}`);
      const final = list.at(-1);
      if (final?.status !== 201) continue;
      completed++;
      if (final.purchaseId !== purchaseOfKey.get(key)?.pid) {
        const [rows] = await t.sql.query("SELECT * FROM Purchase WHERE publicId = ?", [final.purchaseId]);
        const [logs] = await t.sql.query("SELECT id, kind, actor, message, createdAt FROM EventLog WHERE eventId = ? AND actor = ? ORDER BY id", [id, `Buyer ${key.split("-")[1]}`]);
        const [byKey] = await t.sql.query("SELECT id, publicId, status, requestedAt, completedAt FROM Purchase WHERE eventId = ? AND idempotencyKey = ?", [id, key]);
        const [near] = await t.sql.query("SELECT id, publicId, buyer, status, idempotencyKey FROM Purchase WHERE eventId = ? AND buyer = ? ORDER BY id", [id, `Buyer ${key.split("-")[1]}`]);
        const lines = platform.output().split("\n").filter((l) => /warn|error|fatal|lost|caught/i.test(l)).slice(-60);
        assert.fail(`${key} was answered ${JSON.stringify(list)}; the key's purchase: ${JSON.stringify(byKey)}; by publicId: ${JSON.stringify(rows)}; the buyer's purchases: ${JSON.stringify(near)}; the buyer's log: ${JSON.stringify(logs).slice(0, 3000)}\n${lines.join("\n")}`);
      }
      for (const ticket of (final.ticketIds ?? []).map(String)) {
        assert.equal(answered.get(ticket), undefined, `ticket ${ticket} was in two answers`);
        answered.set(ticket, final.purchaseId!);
      }
    }
    const [owners] = await t.sql.query("SELECT t.id, p.publicId FROM Ticket t JOIN Purchase p ON p.id = t.purchaseId WHERE t.eventId = ?", [id]);
    const ownerOf = new Map((owners as { id: number; publicId: string }[]).map((r) => [String(r.id), r.publicId]));
    for (const [ticket, pid] of answered) {
      if (ownerOf.get(ticket) !== pid) {
        const [rows] = await t.sql.query("SELECT t.*, p.publicId, p.status, p.idempotencyKey FROM Ticket t LEFT JOIN Purchase p ON p.id = t.purchaseId WHERE t.id = ?", [ticket]);
        const [mine] = await t.sql.query("SELECT * FROM Purchase WHERE publicId = ?", [pid]);
        assert.fail(`ticket ${ticket} answered to ${pid}: ${JSON.stringify(rows)} / ${JSON.stringify(mine)}`);
      }
    }
    assert.ok(completed > 50, `real buyers completed ${completed} purchases`);

    // Every viewer accounted for every log row exactly once across its reconnects: each row it
    // was sent came once, and with the rows updates counted as skipped they are all the rows.
    const [logRows] = await t.sql.query("SELECT seq FROM EventLog WHERE eventId = ? ORDER BY seq", [id]);
    const allSeqs = (logRows as { seq: number }[]).map((r) => BigInt(r.seq));
    for (const [v, log] of viewers.entries()) {
      assert.ok(log.first !== null && log.last !== null, `viewer ${v} got a snapshot`);
      assert.equal(new Set(log.seqs).size, log.seqs.length, `viewer ${v} was sent a row twice`);
      assert.equal(log.snapshotsAfterFirst, 0, `viewer ${v} was not resumed from its Last-Event-ID once`);
      const between = allSeqs.filter((x) => x > log.first! && x <= log.last!).length;
      if (log.seqs.length + log.skipped !== between) {
        // Which updates claimed other than the rows in their range: the report says where to look.
        const off = log.frames
          .map((f) => ({ ...f, inDb: allSeqs.filter((x) => x > f.from && x <= f.to).length }))
          .filter((f) => f.rows + f.skipped !== f.inDb)
          .map((f) => `conn ${f.conn}${f.resumed ? " (resume)" : ""} (${f.from}, ${f.to}]: ${f.rows} rows + ${f.skipped} skipped, ${f.inDb} in the log`);
        console.log(`viewer ${v} frames off:\n${off.join("\n")}`);
      }
      assert.equal(log.seqs.length + log.skipped, between, `viewer ${v}: ${log.seqs.length} rows + ${log.skipped} skipped, of ${between}`);
      assert.ok(log.connects >= 2, `viewer ${v} reconnected (${log.connects} streams)`);
    }

    // Never faster than one driver: by every moment of the sale, no more released than the
    // vendors' rates allowed since the start (a catch-up makes up for a gap, never more).
    const [releases] = await t.sql.query(
      "SELECT TIMESTAMPDIFF(MICROSECOND, (SELECT MIN(releasedAt) FROM Ticket WHERE eventId = ?), releasedAt) / 1e6 AS s, COUNT(*) AS n FROM Ticket WHERE eventId = ? GROUP BY releasedAt ORDER BY releasedAt",
      [id, id],
    );
    let cumulative = 0;
    for (const r of releases as { s: number; n: number }[]) {
      cumulative += Number(r.n);
      const allowed = VENDORS * VENDOR_RATE * (Number(r.s) + 1.5) + 150;
      assert.ok(cumulative <= allowed, `${cumulative} released by ${Number(r.s).toFixed(1)} s, more than one driver's ${Math.round(allowed)}`);
    }

    const [[catchUps]] = (await t.sql.query("SELECT COUNT(*) AS n FROM EventLog WHERE eventId = ? AND kind = 'CATCH_UP'", [id])) as unknown as [[{ n: number }]];
    process.env.DATABASE_URL = t.url;
    const { auditRun } = await import("../../lib/history/audit");
    const report = await auditRun(id).finally(async () => (await import("../../lib/db/read")).closeReads());
    assert.equal(report.ok, true, JSON.stringify(report.checks.filter((c) => !c.ok)));
    console.log(
      JSON.stringify({ soldOutAfterS, recycled, platform: platform.stats, completed, catchUps: Number(catchUps.n), viewers: viewers.map((v) => v.connects) }),
    );
  });
});
