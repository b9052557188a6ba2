import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestDatabase, useDatabase, type TestDatabase } from "../helpers/database";

// The live stream under readers that do not keep up, and its per-process cap: in-process,
// through the same function the route serves (lib/events/live.ts).

let t: TestDatabase;
let lib: {
  createEvent: typeof import("../../lib/events/create").createEvent;
  control: typeof import("../../lib/events/control");
  liveStream: typeof import("../../lib/events/live").liveStream;
  engine: typeof import("../../lib/engine/engine").engine;
  toAppError: typeof import("../../lib/contracts/errors").toAppError;
  closeDb: () => Promise<void>;
};

before(async () => {
  t = await createTestDatabase("live");
  useDatabase(t.url);
  process.env.SSE_MAX_CONNECTIONS = "3";
  process.env.SSE_BUFFER_BYTES = "4096";
  process.env.SSE_DROP_AFTER_MS = "1500";
  lib = {
    createEvent: (await import("../../lib/events/create")).createEvent,
    control: await import("../../lib/events/control"),
    liveStream: (await import("../../lib/events/live")).liveStream,
    engine: (await import("../../lib/engine/engine")).engine,
    toAppError: (await import("../../lib/contracts/errors")).toAppError,
    closeDb: (await import("../../lib/db/client")).closeDb,
  };
});

after(async () => {
  await lib.engine().shutdown();
  await lib.closeDb();
  await t.drop();
});

type Message = { event: string; id: string; data: { event?: { sold: number }; logs?: unknown[] } };

/** Reads whole SSE messages from a stream as they come. */
function reader(res: Response) {
  const r = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let done = false;
  return {
    get done() {
      return done;
    },
    async next(): Promise<Message | null> {
      for (;;) {
        const end = text.indexOf("\n\n");
        if (end >= 0) {
          const block = text.slice(0, end);
          text = text.slice(end + 2);
          const field = (name: string) => block.split("\n").find((l) => l.startsWith(`${name}: `))?.slice(name.length + 2);
          if (!field("data")) continue;
          return { event: field("event")!, id: field("id")!, data: JSON.parse(field("data")!) };
        }
        const chunk = await r.read();
        if (chunk.done) {
          done = true;
          return null;
        }
        text += decoder.decode(chunk.value, { stream: true });
      }
    },
    cancel: () => r.cancel(),
  };
}

const request = (eventId: number) => new Request(`http://localhost/api/events/${eventId}/stream`, { signal: new AbortController().signal });

describe("the live stream", () => {
  it("coalesces a slow reader into one snapshot, drops it when it stays behind, and keeps fast readers current", async () => {
    const id = await lib.createEvent({ name: "Live", totalTickets: 200_000, maxTicketCapacity: 500, ticketReleaseRate: 2_000, customerRetrievalRate: 200, vendors: 4, customers: 40, vipCustomers: 4 });
    await lib.control.startEvent(id);
    const fast = reader(await lib.liveStream(id, request(id)));
    const slow = reader(await lib.liveStream(id, request(id)));
    assert.equal((await fast.next())?.event, "snapshot");
    assert.equal((await slow.next())?.event, "snapshot");

    // The slow reader reads nothing for a second: its 4 KB fill, later frames are dropped.
    const fastIds: bigint[] = [];
    const fastUntil = Date.now() + 1_000;
    while (Date.now() < fastUntil) {
      const m = await fast.next();
      if (m?.event === "update") fastIds.push(BigInt(m.id));
    }
    assert.ok(fastIds.length >= 5, `a fast reader gets ≥ 5 updates a second (${fastIds.length})`);
    // Reading again, it gets what its buffer held, then one snapshot instead of everything it missed.
    const seen: string[] = [];
    for (let i = 0; i < 200 && !seen.includes("snapshot"); i++) seen.push((await slow.next())!.event);
    assert.ok(seen.includes("snapshot"), `a reader that fell behind is resynced with a snapshot (${seen.length} messages)`);
    assert.ok(seen.length < 100, "it did not get every frame it missed");

    // Now it stops reading for good: past SSE_DROP_AFTER_MS behind, the server closes its stream.
    await new Promise((r) => setTimeout(r, 2_500));
    for (let i = 0; i < 500 && !slow.done; i++) await slow.next();
    assert.equal(slow.done, true, "a reader that stays behind is dropped");
    const m = await fast.next();
    assert.ok(m && BigInt(m.id) >= fastIds[fastIds.length - 1], "the fast reader is still current");
    await fast.cancel();
    await lib.control.stopEvent(id);
  });

  it("answers 503 with Retry-After beyond SSE_MAX_CONNECTIONS, and takes new streams once some close", async () => {
    const id = await lib.createEvent({ name: "Capped", totalTickets: 100, maxTicketCapacity: 10, ticketReleaseRate: 1, customerRetrievalRate: 1, vendors: 0, customers: 0, vipCustomers: 0 });
    await new Promise((r) => setTimeout(r, 300)); // the previous test's streams are gone
    const open = await Promise.all([1, 2, 3].map(() => lib.liveStream(id, request(id)).then(reader)));
    for (const o of open) assert.equal((await o.next())?.event, "snapshot");
    const refused = await lib.liveStream(id, request(id)).then(() => null, (e: unknown) => lib.toAppError(e));
    assert.ok(refused, "a fourth stream is refused");
    assert.equal(refused.status, 503);
    assert.equal(refused.details?.retryAfter, 5);
    await open[0].cancel();
    await new Promise((r) => setTimeout(r, 50));
    const again = reader(await lib.liveStream(id, request(id)));
    assert.equal((await again.next())?.event, "snapshot");
    await Promise.all([again, open[1], open[2]].map((o) => o.cancel()));
  });

  it("sends only what changed in an update, and a forged Last-Event-ID gets a snapshot", async () => {
    // Plenty of supply and slow customers (1 ticket every 2 s each): an update sees few of them change.
    const id = await lib.createEvent({ name: "Delta", totalTickets: 50_000, maxTicketCapacity: 1_000, ticketReleaseRate: 200, customerRetrievalRate: 0.5, vendors: 1, customers: 30, vipCustomers: 0 });
    await lib.control.startEvent(id);
    const s = reader(await lib.liveStream(id, request(id)));
    const snap = await s.next();
    assert.equal((snap?.data.event as unknown as { customers: unknown[] }).customers.length, 30);
    let update = (await s.next())!;
    const settled = Date.now() + 1_000;
    while (update.event !== "update" || Date.now() < settled) update = (await s.next())!;
    const delta = update.data.event as unknown as { partial: boolean; customers: unknown[]; sold: number };
    assert.equal(delta.partial, true);
    assert.ok(delta.customers.length < 30, "only the customers that changed");
    assert.equal(typeof delta.sold, "number");
    await s.cancel();
    const forged = new Request(`http://localhost/api/events/${id}/stream`, { headers: { "last-event-id": "999999999999" } });
    const f = reader(await lib.liveStream(id, forged));
    assert.equal((await f.next())?.event, "snapshot");
    await f.cancel();
    await lib.control.stopEvent(id);
  });
});
