import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { FEED_LIMIT, initialLiveState, liveReducer, shownActorState } from "../../app/events/[id]/live-state";
import type { LogEntry } from "../../lib/contracts/log";
import { applyDelta, diffEvent, type EventView } from "../../lib/contracts/event";
import { parseLastEventId, sseMessage } from "../../lib/log/sse";

const event = (o: Partial<EventView> = {}): EventView => ({
  id: 1, name: "E", status: "RUNNING", run: 1, totalTickets: 100, maxTicketCapacity: 10, ticketReleaseRate: 1, customerRetrievalRate: 1,
  released: 0, sold: 0, available: 0, held: 0, holdSeconds: 600, holdAbandonPercent: 0, holdConfirmSeconds: 0, waiting: { vip: 0, regular: 0 }, maxTicketsPerBuyer: null, driver: null,
  waitStats: { vip: { waiting: 0, served: 0, medianMs: null, p95Ms: null }, regular: { waiting: 0, served: 0, medianMs: null, p95Ms: null } }, vendors: [], customers: [], createdAt: "", updatedAt: "", ...o,
});
const log = (id: number, run = 1, seq = id): LogEntry => ({ id: String(id), seq: String(seq), run, kind: "SOLD", actor: "C", vip: false, ticketId: String(id), lastTicketId: String(id), tickets: 1, message: `m${id}`, released: id, sold: id, available: 0, at: "2026-01-01T00:00:00Z" });
const ids = (s: ReturnType<typeof initialLiveState>) => s.feed.map((f) => (f.type === "log" ? f.entry.id : `gap:${f.count}`));

describe("the dashboard's live state", () => {
  it("shows the log newest first, appending updates on top, without duplicates", () => {
    let s = initialLiveState(event(), [log(2), log(1)]);
    s = liveReducer(s, { type: "update", event: event({ sold: 4 }), logs: [log(2), log(3), log(4)], skipped: 0 });
    assert.deepEqual(ids(s), ["4", "3", "2", "1"]);
    assert.equal(s.event.sold, 4);
    assert.equal(s.transport, "live");
  });

  it("follows the log's sequence, not row ids: a row with a lower id that committed later still shows", () => {
    // On a cluster ids come from each node's own auto-increment: id 7 may commit after id 9.
    let s = initialLiveState(event(), [log(9, 1, 2), log(4, 1, 1)]);
    s = liveReducer(s, { type: "update", event: event(), logs: [log(9, 1, 2), log(7, 1, 3)], skipped: 0 });
    assert.deepEqual(ids(s), ["7", "9", "4"]);
  });

  it("marks rows the server left out below the ones it sent, and stays bounded", () => {
    let s = initialLiveState(event(), []);
    s = liveReducer(s, { type: "update", event: event(), logs: [log(10), log(11)], skipped: 1234 });
    assert.deepEqual(ids(s), ["11", "10", "gap:1234"]);
    const many = Array.from({ length: FEED_LIMIT + 50 }, (_, i) => log(100 + i));
    s = liveReducer(s, { type: "update", event: event(), logs: many, skipped: 0 });
    assert.equal(s.feed.length, FEED_LIMIT);
    assert.equal(ids(s)[0], String(100 + FEED_LIMIT + 49));
  });

  it("starts the feed over when a new run begins", () => {
    let s = initialLiveState(event(), [log(5), log(4)]);
    s = liveReducer(s, { type: "update", event: event({ run: 2, status: "IDLE" }), logs: [log(6, 2)], skipped: 0 });
    assert.deepEqual(ids(s), ["6"]);
  });

  it("ignores an action's answer that is older than what the stream already showed", () => {
    let s = initialLiveState(event({ sold: 50, released: 60 }), []);
    s = liveReducer(s, { type: "applied", event: event({ sold: 40, released: 50 }) });
    assert.equal(s.event.sold, 50);
    s = liveReducer(s, { type: "applied", event: event({ sold: 50, released: 60, status: "STOPPED" }) });
    assert.equal(s.event.status, "STOPPED");
  });
});

describe("SSE framing", () => {
  it("writes event, id and one line of JSON data", () => {
    const text = new TextDecoder().decode(sseMessage("update", 42n, { a: "x\ny" }));
    assert.equal(text, 'event: update\nid: 42\ndata: {"a":"x\\ny"}\n\n');
  });

  it("accepts only our own cursors as Last-Event-ID", () => {
    assert.equal(parseLastEventId("123"), 123n);
    assert.equal(parseLastEventId(null), null);
    assert.equal(parseLastEventId("-1"), null);
    assert.equal(parseLastEventId("12abc"), null);
    assert.equal(parseLastEventId("9".repeat(30)), null);
  });
});

describe("event deltas", () => {
  const vendor = (id: number, released: number) => ({ id, name: `V${id}`, ownRate: false, state: "WORKING" as const, paused: false, ticketReleaseRate: 1, released });
  it("sends only the actors that changed, and applying it gives the new view back", () => {
    const before = event({ sold: 1, vendors: [vendor(1, 5), vendor(2, 7), vendor(3, 9)] });
    const after = event({ sold: 3, vendors: [vendor(1, 5), vendor(2, 8), vendor(4, 0)] });
    const delta = diffEvent(before, after);
    assert.deepEqual(delta.vendors, [{ id: 2, released: 8 }, vendor(4, 0)], "a changed row sends only its changed fields; a new row is whole");
    assert.deepEqual(delta.removed, { vendors: [3], customers: [] });
    assert.deepEqual(applyDelta(before, delta), after);
  });

  it("sends the whole view when the run changes, and a whole view replaces what was known", () => {
    const before = event({ vendors: [vendor(1, 5)] });
    const reset = event({ run: 2, vendors: [vendor(1, 0)] });
    assert.equal(diffEvent(before, reset), reset);
    assert.deepEqual(applyDelta(before, reset), reset);
    let s = initialLiveState(before, []);
    s = liveReducer(s, { type: "update", event: diffEvent(before, event({ sold: 9, vendors: [vendor(1, 6)] })), logs: [], skipped: 0 });
    assert.deepEqual([s.event.sold, s.event.vendors[0].released], [9, 6]);
  });
});

describe("an actor's state as the tables show it", () => {
  it("says the sale has not started on an IDLE event, and keeps 'paused' for actors someone paused", () => {
    assert.equal(shownActorState("PAUSED", false, "IDLE"), "NOT_STARTED");
    assert.equal(shownActorState("PAUSED", true, "IDLE"), "PAUSED");
    assert.equal(shownActorState("PAUSED", false, "STOPPED"), "STOPPED");
    assert.equal(shownActorState("PAUSED", true, "STOPPED"), "PAUSED");
  });

  it("shows the loop's own state while the sale runs, and done whatever the event", () => {
    assert.equal(shownActorState("WORKING", false, "RUNNING"), "WORKING");
    assert.equal(shownActorState("WAITING", false, "RUNNING"), "WAITING");
    assert.equal(shownActorState("PAUSED", true, "RUNNING"), "PAUSED");
    assert.equal(shownActorState("DONE", false, "SOLD_OUT"), "DONE");
    assert.equal(shownActorState("DONE", false, "STOPPED"), "DONE");
  });
});
