import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { WaitingQueue } from "../../lib/purchases/queue";

type W = { name: string; vip: boolean };
const w = (name: string, vip = false): W => ({ name, vip });

describe("the waiting queue", () => {
  it("serves every waiting VIP before any regular customer, FIFO within each lane", () => {
    const q = new WaitingQueue<W>();
    for (const x of [w("r1"), w("v1", true), w("r2"), w("v2", true), w("r3")]) q.join(x);
    assert.deepEqual(q.ordered().map((x) => x.name), ["v1", "v2", "r1", "r2", "r3"]);
    assert.deepEqual(q.size, { vip: 2, regular: 3 });
  });

  it("gives each waiter its 1-based position in the serving order", () => {
    const q = new WaitingQueue<W>();
    const r1 = w("r1");
    const v1 = w("v1", true);
    q.join(r1);
    q.join(v1);
    assert.equal(q.position(v1), 1);
    assert.equal(q.position(r1), 2);
    assert.equal(q.position(w("x")), 0);
  });

  it("keeps the order of the rest when some leave", () => {
    const q = new WaitingQueue<W>();
    const all = [w("r1"), w("r2"), w("v1", true), w("r3"), w("v2", true)];
    all.forEach((x) => q.join(x));
    const gone = q.prune((x) => x.name === "r2" || x.name === "v1");
    assert.deepEqual(gone.map((x) => x.name).sort(), ["r2", "v1"]);
    assert.deepEqual(q.ordered().map((x) => x.name), ["v2", "r1", "r3"]);
    assert.equal(q.remove(all[0]), true);
    assert.equal(q.remove(all[0]), false);
    assert.deepEqual(q.drain().map((x) => x.name), ["v2", "r3"]);
    assert.deepEqual(q.size, { vip: 0, regular: 0 });
  });
});
