import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestDatabase, useDatabase, type TestDatabase } from "../helpers/database";
import { assertPoolInvariants, eventStatus, waitFor } from "../helpers/invariants";
import { ensureBuilt, SERVER_KINDS, startServer, type Server } from "../helpers/standalone";

// SIGTERM to the built server in the middle of a sale: it stops taking work (503 with
// Retry-After), lets the batch in flight commit, answers every buyer it holds, sends each live
// stream a last message, releases the event's lease and exits within 10 s — and the database
// is whole: nothing lost or doubled, every answer matches its row.

const TOKEN = "shutdown-test-admin-token";
let t: TestDatabase;
let server: Server | undefined;

before(async () => {
  ensureBuilt();
  t = await createTestDatabase("shutdown");
  useDatabase(t.url);
});

after(async () => {
  if (server && server.proc.exitCode === null) server.proc.kill("SIGKILL");
  await t.drop();
});

const admin = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };

// On `npm start` and on Next's own bare server.js alike (the app takes SIGTERM over from Next's handler, which would exit at once).
describe("graceful shutdown", () => {
  for (const kind of SERVER_KINDS) it(`on SIGTERM mid-sale (${kind === "entry" ? "npm start" : "server.js"}): refuses new work, commits, answers everyone, ends streams, frees the lease, exits in 10 s`, async () => {
    server = await startServer({ DATABASE_URL: t.url, ADMIN_TOKEN: TOKEN, ENGINE_TICK_MS: "50", LOG_LEVEL: "info", PURCHASE_RATE_BURST: "1000" }, kind);
    const s = server;
    const create = await fetch(`${s.url}/api/events`, { method: "POST", headers: admin, body: JSON.stringify({ name: "Drain", totalTickets: 100_000, maxTicketCapacity: 50, ticketReleaseRate: 20, customerRetrievalRate: 20, vendors: 2, customers: 5, vipCustomers: 1 }) });
    assert.equal(create.status, 201);
    const { id } = (await create.json()) as { id: number };
    assert.equal((await fetch(`${s.url}/api/events/${id}/start`, { method: "POST", headers: admin })).status, 200);

    // A live stream, read as a browser would.
    const stream = await fetch(`${s.url}/api/events/${id}/stream`);
    assert.equal(stream.status, 200);
    const reader = stream.body!.getReader();
    let streamText = "";
    const streamEnded = (async () => {
      for (;;) {
        const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
        if (done) return;
        streamText += new TextDecoder().decode(value);
      }
    })();

    await waitFor("the sale to get going", async () => (await eventStatus(t.sql, id)).sold >= 20, 20_000);
    // Buyers who will still be waiting in line when the signal comes (the pool sells ~40/s to everyone).
    type Answer = { status: number; body: { purchaseId?: string; status?: string; ticketIds?: number[]; error?: { message?: string } } };
    const buyers = Array.from({ length: 40 }, (_, i): Promise<Answer> =>
      fetch(`${s.url}/api/events/${id}/purchases`, { method: "POST", headers: { "content-type": "application/json", prefer: "wait=30" }, body: JSON.stringify({ buyer: `Buyer ${i}`, quantity: 3 }) }).then(
        async (r) => ({ status: r.status, body: (await r.json()) as Answer["body"] }),
        (err: Error) => ({ status: 0, body: { error: { message: err.message } } }),
      ),
    );
    await waitFor("the buyers to be in line", async () => {
      const [rows] = await t.sql.query("SELECT COUNT(*) AS n FROM Purchase WHERE eventId = ? AND source = 'API'", [id]);
      return (rows as { n: number }[])[0].n === 40;
    }, 20_000);

    const signalled = Date.now();
    s.proc.kill("SIGTERM");
    // The signal lands a moment after kill() returns: ask until the server says it is draining.
    let refused: { status: number; retryAfter: string | null; type: string | null } | null = null;
    while (!refused || refused.status !== 503) {
      refused = await fetch(`${s.url}/api/events/${id}`).then(
        (r) => ({ status: r.status, retryAfter: r.headers.get("retry-after"), type: r.headers.get("content-type") }),
        () => null,
      );
      if (!refused) break; // the server is gone before any request saw it draining
      if (refused.status !== 503) await new Promise((r) => setTimeout(r, 5));
    }
    assert.equal(refused?.status, 503, "a new request after SIGTERM is refused");
    assert.ok(Number(refused.retryAfter) > 0, "with Retry-After");
    assert.match(refused.type ?? "", /application\/json/);

    const answers = await Promise.all(buyers);
    const { code, at } = await s.exited;
    assert.equal(code, 0, s.output().slice(-2_000));
    assert.ok(at - signalled < 10_000, `exited ${at - signalled} ms after SIGTERM`);
    await streamEnded;

    // Every buyer got an answer that the database agrees with.
    for (const a of answers) assert.ok([201, 202].includes(a.status), `a buyer got ${a.status}: ${JSON.stringify(a.body)}`);
    const [rows] = await t.sql.query("SELECT publicId, status, (SELECT COUNT(*) FROM Ticket WHERE purchaseId = p.id) AS tickets FROM Purchase p WHERE eventId = ? AND source = 'API'", [id]);
    const byId = new Map((rows as { publicId: string; status: string; tickets: number }[]).map((r) => [r.publicId, r]));
    for (const a of answers) {
      const row = byId.get(a.body.purchaseId!);
      assert.ok(row, "the answer names a purchase that exists");
      assert.equal(row.status, a.body.status, "the answer says what the database holds");
      assert.equal(Number(row.tickets), a.body.status === "COMPLETED" ? 3 : 0);
      if (a.body.status === "COMPLETED") assert.equal(a.body.ticketIds?.length, 3);
    }
    assert.ok(answers.some((a) => a.status === 202), "some buyers were still in line, and were told so");

    // The stream got a last message before it closed.
    assert.match(streamText, /event: shutdown\n/);

    // The lease is free and no instance is named as the driver; the pool is whole.
    const [lease] = await t.sql.query("SELECT holder FROM EventLease WHERE eventId = ?", [id]);
    assert.equal((lease as { holder: string | null }[])[0].holder, null, "the lease was given back, not left to expire");
    const [ev] = await t.sql.query("SELECT driverInstance FROM Event WHERE id = ?", [id]);
    assert.equal((ev as { driverInstance: string | null }[])[0].driverInstance, null);
    const final = await assertPoolInvariants(t.sql, id);
    assert.equal(final.status, "RUNNING", "the run stays RUNNING for another instance to resume");
    assert.match(s.output(), /"msg":"shut down"/);
  });
});
