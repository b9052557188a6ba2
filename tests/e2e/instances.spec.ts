import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import mysql from "mysql2/promise";
import { startServer, BENCH_TOKEN, type Server } from "../bench/parts/server";
import { assertPoolInvariants } from "../helpers/invariants";

// Three instances of the built standalone server on one database, as deployed behind a
// balancer: real buyers on all three, controls sent to instances that do not drive the sale,
// live streams on the survivors, and a `kill -9` of the driving instance in the middle of the
// sale. Afterwards the database is checked row by row.

const SERVER = process.env.TEST_DATABASE_SERVER ?? "mysql://root@127.0.0.1:3306";
const BASE_PORT = Number(process.env.E2E_PORT ?? 3107) + 40;
const RELEASE_RATE = 60;
const RETRIEVAL_RATE = 25;

type Msg = { event: string; id: bigint; data: { logs?: { id: string; seq: string; kind: string }[]; skipped?: number } };

/** Reads a live stream until aborted; every message with its id. */
function listen(url: string, signal: AbortSignal): { messages: Msg[]; done: Promise<void> } {
  const messages: Msg[] = [];
  const done = (async () => {
    const res = await fetch(url, { signal, headers: { accept: "text/event-stream" } });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buf = "";
    for (;;) {
      const { value, done: end } = await reader.read();
      if (end) return;
      buf += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = buf.indexOf("\n\n")) >= 0) {
        const frame = buf.slice(0, cut);
        buf = buf.slice(cut + 2);
        const field = (name: string) => frame.split("\n").find((l) => l.startsWith(`${name}: `))?.slice(name.length + 2);
        const event = field("event");
        const id = field("id");
        const data = field("data");
        if (event && id && data) messages.push({ event, id: BigInt(id), data: JSON.parse(data) });
      }
    }
  })().catch((err: unknown) => {
    if (!signal.aborted) throw err;
  });
  return { messages, done };
}

async function call<T>(server: Server, method: string, p: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${server.url}${p}`, {
    method,
    headers: { authorization: `Bearer ${BENCH_TOKEN}`, "content-type": "application/json", origin: server.url },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

type EventBody = { status: string; sold: number; driver: string | null; vendors: { id: number; released: number }[]; customers: { id: number; name: string; bought: number }[] };

test("three instances: buyers on all, controls anywhere, kill -9 of the driver, takeover within 5 s", async () => {
  test.setTimeout(240_000);
  const database = `ticketing_e2e_inst_${randomBytes(4).toString("hex")}`;
  const url = `${SERVER}/${database}`;
  const env = { ENGINE_TICK_MS: "50", LOG_LEVEL: "warn" };
  const servers: Server[] = [];
  const sql = await (async () => {
    // The first instance creates the database and applies the migrations; the others join it.
    servers.push(await startServer(url, BASE_PORT, { ...env, INSTANCE_ID: "inst-a" }));
    servers.push(...(await Promise.all([startServer(url, BASE_PORT + 1, { ...env, INSTANCE_ID: "inst-b" }), startServer(url, BASE_PORT + 2, { ...env, INSTANCE_ID: "inst-c" })])));
    return mysql.createConnection({ uri: url, supportBigNumbers: true });
  })();
  const [a, b, c] = servers;
  const streams = new AbortController();
  let selling = true;
  try {
    const created = await call<{ id: number }>(a, "POST", "/api/events", { name: "Three instances", totalTickets: 3_000, maxTicketCapacity: 150, ticketReleaseRate: RELEASE_RATE, customerRetrievalRate: RETRIEVAL_RATE, vendors: 4, customers: 6, vipCustomers: 2 });
    expect(created.status).toBe(201);
    const id = created.body.id;
    // Live streams on the two instances that will survive.
    const watchers = [a, c].map((s) => listen(`${s.url}/api/events/${id}/stream`, streams.signal));

    // Started through B, which takes the lease and drives.
    const started = await call<EventBody>(b, "POST", `/api/events/${id}/start`);
    expect(started.status).toBe(200);
    expect(started.body.driver).toBe("inst-b");
    const startedAt = Date.now();

    // Real buyers on every instance. A request whose instance dies is sent again, with the
    // same Idempotency-Key, to another one.
    type Answer = { key: string; status: number; purchaseId?: string; ticketIds?: string[] };
    const answers: Answer[] = [];
    const buyers = servers.map(async (home, k) => {
      for (let n = 0; selling; n++) {
        const key = `buyer-${k}-${n}`;
        const body = { buyer: `Buyer ${k}-${n % 7}`, quantity: 1 + (n % 3) };
        for (let attempt = 0; ; attempt++) {
          const target = attempt === 0 ? home : servers[(k + attempt) % 3];
          try {
            const res = await fetch(`${target.url}/api/events/${id}/purchases`, { method: "POST", headers: { "content-type": "application/json", "idempotency-key": key, prefer: "wait=2" }, body: JSON.stringify(body) });
            const json = (await res.json()) as { purchaseId?: string; ticketIds?: string[] };
            answers.push({ key, status: res.status, purchaseId: json.purchaseId, ticketIds: json.ticketIds });
            if (res.status === 409) return;
            break;
          } catch {
            if (attempt > 5) throw new Error(`no instance answered ${key}`);
          }
        }
        await new Promise((r) => setTimeout(r, 40));
      }
    });

    const view = async (s: Server) => (await call<EventBody>(s, "GET", `/api/events/${id}`)).body;
    await expect.poll(async () => (await view(a)).sold, { timeout: 30_000 }).toBeGreaterThan(300);

    // Controls sent to C, which does not drive: pause a vendor, add a customer, remove one.
    const before = await view(c);
    const pausedVendor = before.vendors[0].id;
    const removedCustomer = before.customers[before.customers.length - 1].id;
    expect((await call(c, "PATCH", `/api/events/${id}/vendors/${pausedVendor}`, { paused: true })).status).toBe(200);
    expect((await call(c, "POST", `/api/events/${id}/customers`, { name: "Late arrival", vip: false })).status).toBe(201);
    expect((await call(c, "DELETE", `/api/events/${id}/customers/${removedCustomer}`)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_000)); // a follow tick and a batch, at most
    const afterControls = await view(a);
    const [removedRow] = (await sql.query("SELECT bought FROM Customer WHERE id = ?", [removedCustomer]))[0] as { bought: number }[];
    const frozen = { vendor: afterControls.vendors.find((v) => v.id === pausedVendor)!.released, customer: Number(removedRow.bought) };

    // kill -9 of the driver in the middle of the sale.
    await expect.poll(async () => (await view(a)).sold, { timeout: 30_000 }).toBeGreaterThan(1_000);
    expect((await view(a)).driver).toBe("inst-b");
    const killedAt = Date.now();
    b.proc.kill("SIGKILL");
    let driver: string | null = null;
    await expect
      .poll(
        async () => {
          driver = (await view(a)).driver;
          return driver !== null && driver !== "inst-b";
        },
        { timeout: 5_000, intervals: [50] },
      )
      .toBe(true);
    const takeoverMs = Date.now() - killedAt;
    console.log(`takeover by ${driver} in ${takeoverMs} ms`);
    expect(takeoverMs).toBeLessThan(5_000);

    await expect.poll(async () => (await view(c)).status, { timeout: 120_000 }).toBe("SOLD_OUT");
    const seconds = (Date.now() - startedAt) / 1_000;
    selling = false;
    await Promise.all(buyers);
    await new Promise((r) => setTimeout(r, 500)); // the last update reaches the streams
    streams.abort();
    await Promise.all(watchers.map((w) => w.done));

    // Every invariant, from the rows.
    expect(await assertPoolInvariants(sql, id)).toEqual({ released: 3_000, sold: 3_000, available: 0, status: "SOLD_OUT" });
    // One purchase per Idempotency-Key, whatever instance each attempt reached; every 201's tickets are that purchase's.
    const [dupes] = await sql.query("SELECT idempotencyKey, COUNT(*) AS n FROM Purchase WHERE eventId = ? AND idempotencyKey IS NOT NULL GROUP BY idempotencyKey HAVING n > 1", [id]);
    expect(dupes).toEqual([]);
    const served = answers.filter((x) => x.status === 201);
    expect(served.length).toBeGreaterThan(20);
    for (const s of served) {
      const [rows] = await sql.query("SELECT p.publicId, COUNT(*) AS n FROM Ticket t JOIN Purchase p ON p.id = t.purchaseId WHERE t.id IN (?) GROUP BY p.publicId", [s.ticketIds!.map(BigInt)]);
      expect(rows).toEqual([{ publicId: s.purchaseId, n: s.ticketIds!.length }]);
    }
    // Buyers sent to each instance were answered (201, 202 or the final 409) by each.
    expect(answers.filter((x) => ![201, 202, 409].includes(x.status))).toEqual([]);
    const [queued] = await sql.query("SELECT COUNT(*) AS n FROM Purchase WHERE eventId = ? AND status = 'QUEUED'", [id]);
    expect(Number((queued as { n: number }[])[0].n)).toBe(0);

    // The controls sent to C held on the driver, and on the one that took over.
    const [[vendorRow]] = (await sql.query("SELECT released FROM Vendor WHERE id = ?", [pausedVendor])) as [{ released: number }[], unknown];
    expect(Number(vendorRow.released)).toBe(frozen.vendor);
    const [[customerRow]] = (await sql.query("SELECT bought FROM Customer WHERE id = ?", [removedCustomer])) as [{ bought: number }[], unknown];
    expect(Number(customerRow.bought)).toBe(frozen.customer);
    const [[late]] = (await sql.query("SELECT bought FROM Customer WHERE eventId = ? AND name = 'Late arrival'", [id])) as [{ bought: number }[], unknown];
    expect(Number(late.bought)).toBeGreaterThan(0);

    // One driver at a time: every simulated actor kept its rate (three drivers would triple it).
    const [vendors] = (await sql.query("SELECT released FROM Vendor WHERE eventId = ?", [id])) as [{ released: number }[], unknown];
    for (const v of vendors) expect(Number(v.released)).toBeLessThanOrEqual(RELEASE_RATE * seconds * 1.25 + RELEASE_RATE);
    const [customers] = (await sql.query("SELECT bought FROM Customer WHERE eventId = ?", [id])) as [{ bought: number }[], unknown];
    for (const x of customers) expect(Number(x.bought)).toBeLessThanOrEqual(RETRIEVAL_RATE * seconds * 1.25 + RETRIEVAL_RATE);

    // The log says who took over.
    const [resumed] = (await sql.query("SELECT message FROM EventLog WHERE eventId = ? AND kind = 'RESUMED'", [id])) as [{ message: string }[], unknown];
    expect(resumed.map((r) => r.message)).toEqual([`${driver} took over the run`]);

    // Gap-free streams on the survivors: each update accounts for every log row since the
    // one before it (rows it carries plus rows it counts as skipped), through the failover.
    // SSE ids are the event's log sequence (EventLog.seq, 1, 2, 3 … per event), not row ids.
    for (const w of watchers) {
      const updates = w.messages.filter((m) => m.event === "snapshot" || m.event === "update");
      expect(updates[0].event).toBe("snapshot");
      for (let k = 1; k < updates.length; k++) {
        const [from, to] = [updates[k - 1].id, updates[k].id];
        expect(to).toBeGreaterThanOrEqual(from);
        const [[row]] = (await sql.query("SELECT COUNT(*) AS n FROM EventLog WHERE eventId = ? AND seq > ? AND seq <= ?", [id, from, to])) as [{ n: number }[], unknown];
        const carried = updates[k].data.logs ?? [];
        expect(carried.length + (updates[k].data.skipped ?? 0)).toBe(Number(row.n));
        expect(Number(row.n)).toBe(Number(to - from)); // the sequence has no gaps
        for (const l of carried) expect(BigInt(l.seq) > from && BigInt(l.seq) <= to).toBe(true);
      }
      const [[last]] = (await sql.query("SELECT MAX(seq) AS seq FROM EventLog WHERE eventId = ?", [id])) as [{ seq: number }[], unknown];
      expect(updates.at(-1)!.id).toBe(BigInt(last.seq));
    }
  } finally {
    selling = false;
    streams.abort();
    await Promise.all(servers.map((s) => (s.proc.exitCode === null && s.proc.signalCode === null ? s.stop() : undefined)));
    await sql.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await sql.end();
  }
});
