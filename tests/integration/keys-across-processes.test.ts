import assert from "node:assert/strict";
import { fork } from "node:child_process";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { createTestDatabase, useDatabase, type TestDatabase } from "../helpers/database";

// Concurrent retries of one Idempotency-Key sent to two different processes return one
// purchase. In one process, same-key requests meet in one join batch; across processes each
// batch writes its own row, and the unique index on the key is what refuses the second —
// which then finds and returns the first one's purchase.

let t: TestDatabase;
let createEvent: typeof import("../../lib/events/create").createEvent;
let closeDb: () => Promise<void>;

before(async () => {
  t = await createTestDatabase("keysxproc");
  useDatabase(t.url);
  createEvent = (await import("../../lib/events/create")).createEvent;
  closeDb = (await import("../../lib/db/client")).closeDb;
});

after(async () => {
  await closeDb();
  await t.drop();
});

type Answer = { key: string; purchaseId?: string; replayed?: boolean; error?: string };

function buyer(eventId: number) {
  const child = fork(path.join(import.meta.dirname, "../helpers/buy-keys.ts"), [t.url, String(eventId)], {
    execArgv: ["--import", "tsx", "--conditions=react-server"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const ready = new Promise<void>((resolve) => child.on("message", (m: { ready?: boolean }) => m.ready && resolve()));
  const answers = new Promise<Answer[]>((resolve) => child.on("message", (m: { answers?: Answer[] }) => m.answers && (resolve(m.answers), child.send({ quit: true }))));
  const exited = new Promise((resolve) => child.once("exit", resolve));
  return { child, ready, answers, exited };
}

describe("one Idempotency-Key, two processes, at the same moment", () => {
  it("makes one purchase per key; the process that lost the race answers with the winner's purchase", async () => {
    const id = await createEvent({ name: "Keys across processes", totalTickets: 1_000, maxTicketCapacity: 100, ticketReleaseRate: 10, customerRetrievalRate: 1, vendors: 0, customers: 0, vipCustomers: 0 });
    const keys = Array.from({ length: 40 }, (_, k) => `race-${k}-${Date.now()}`);
    const [p1, p2] = [buyer(id), buyer(id)];
    await Promise.all([p1.ready, p2.ready]);
    // The test holds the event's lock while both processes look their keys up (none exists yet)
    // and queue for it; once it lets go, both write, and the second meets the unique index.
    await t.sql.beginTransaction();
    await t.sql.query("SELECT id FROM Event WHERE id = ? FOR UPDATE", [id]);
    p1.child.send({ go: keys });
    p2.child.send({ go: keys });
    await new Promise((r) => setTimeout(r, 1_500));
    const [[written]] = (await t.sql.query("SELECT COUNT(*) AS n FROM Purchase WHERE eventId = ?", [id])) as unknown as [[{ n: number }]];
    assert.equal(Number(written.n), 0, "nothing is written while the test holds the lock");
    await t.sql.commit();
    const [a1, a2] = await Promise.all([p1.answers, p2.answers]);
    await Promise.all([p1.exited, p2.exited]);

    assert.deepEqual([...a1, ...a2].filter((a) => a.error), [], "no request failed");
    const byKey = new Map(a1.map((a) => [a.key, a]));
    for (const b of a2) {
      const a = byKey.get(b.key)!;
      assert.equal(a.purchaseId, b.purchaseId, `both processes answer key ${b.key} with one purchase`);
      assert.equal(Number(a.replayed) + Number(b.replayed), 1, `exactly one of the two made the purchase under ${b.key}`);
    }
    const [rows] = await t.sql.query("SELECT idempotencyKey, COUNT(*) AS n FROM Purchase WHERE eventId = ? GROUP BY idempotencyKey", [id]);
    assert.equal((rows as unknown[]).length, keys.length, "one row per key");
    assert.ok((rows as { n: number }[]).every((r) => Number(r.n) === 1));
  });
});
