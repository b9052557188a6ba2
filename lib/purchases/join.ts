import "server-only";
import { Mutex } from "async-mutex";
import { AppError } from "@/lib/contracts/errors";
import { isSoldOut } from "@/lib/contracts/event";
import { formatCount as count } from "@/lib/contracts/format";
import type { PurchaseRequest } from "@/lib/contracts/purchase-input";
import { batchCommitted, newBatchId, stampBatch } from "@/lib/db/batch";
import { isCommitUnknown, consecutiveIds, sqlTransaction, type HotSql } from "@/lib/db/sql";
import { literal, valuesList } from "@/lib/db/literal";
import { lockEvent, type LockedEvent } from "@/lib/db/lock";
import { appendLogs, logRow } from "@/lib/log/append";
import { singleton } from "@/lib/platform/singleton";
import { newHoldToken } from "./holds";
import { newPublicId } from "./ids";
import type { Settled } from "./notify";

// Joining the queue writes the purchase row under the event's lock (so the queue order, the
// sold-out answer and the per-buyer limit are decided against the pool as it is). A rush of
// buyers would queue for that lock one by one; instead, joins that arrive together in this
// process go into one transaction (group commit). When this process drives the event, that
// transaction is the driver's next pool batch itself ("hosting" the joins): the rows are
// written and served in one transaction, and the answer needs no second one. Otherwise the
// joins get a transaction of their own, under the queue's mutex, and whichever process drives
// the event serves them.

export type JoinRequest = {
  input: PurchaseRequest;
  source: "API" | "WEB";
  idempotencyKey?: string;
  /** Set with an Idempotency-Key: what a retry under the same key must repeat. */
  requestHash: string | null;
};

/** A purchase just written to the queue: what its answer needs besides the outcome — and the outcome, when the batch that wrote it served it too. */
export type JoinedPurchase = { id: bigint; publicId: string; run: number; buyer: string; vip: boolean; quantity: number; requestedAt: Date; settled?: Settled; /** A checkout hold's secret (only holds have one). */ holdToken?: string };

/** A join waiting for its transaction. */
export type PendingJoin = JoinRequest & { resolve: (joined: JoinedPurchase) => void; reject: (err: unknown) => void };

/** What a transaction decided for a list of joins; answered once it has committed. */
export type JoinWrite = { accepted: { req: PendingJoin; joined: JoinedPurchase }[]; refused: { req: PendingJoin; err: unknown }[] };

/** Thrown to a request whose Idempotency-Key another request of the same batch is using. */
const SAME_KEY = Symbol.for("ticketing.SameKeyInBatch");
export class SameKeyInBatch extends Error {
  readonly [SAME_KEY] = true;
  static [Symbol.hasInstance](value: unknown): boolean {
    return isSameKeyInBatch(value);
  }
}
/** By brand, not class identity (lib/contracts/errors.ts says why). */
export function isSameKeyInBatch(value: unknown): value is SameKeyInBatch {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[SAME_KEY] === true;
}

type Host = { kick: () => void };

class JoinQueue {
  private readonly mutex = new Mutex();
  pending: PendingJoin[] = [];
  private scheduled = false;
  host: Host | undefined;
  /** This queue's name on its batch stamps (lib/db/batch.ts). */
  private readonly writer = newBatchId();

  constructor(readonly eventId: number) {}

  submit(req: JoinRequest): Promise<JoinedPurchase> {
    return new Promise((resolve, reject) => {
      this.pending.push({ ...req, resolve, reject });
      if (this.host) this.host.kick();
      else this.schedule();
    });
  }

  schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.host) return void this.host.kick(); // a driver started meanwhile: it takes them
      this.own(this.pending.splice(0));
    });
  }

  /** Writes these joins in a transaction of their own. */
  own(batch: PendingJoin[]): void {
    forget(this);
    if (batch.length > 0) void this.mutex.runExclusive(() => this.flush(batch));
  }

  private async flush(batch: PendingJoin[]): Promise<void> {
    try {
      await this.joinMany(batch);
    } catch (err) {
      if (isCommitUnknown(err)) {
        // The COMMIT went unanswered: the stamp says whether these rows exist.
        const committed = await batchCommitted(this.eventId, this.writer, (err.result as { batch: string }).batch).catch(() => false);
        if (committed) answerJoins((err.result as { written: JoinWrite }).written);
        else for (const one of batch) one.reject(err);
      } else if (batch.length > 1 && isDuplicateKey(err)) {
        // Another process took one of these keys meanwhile: settle them one by one.
        for (const one of batch) await this.joinMany([one]).catch(one.reject);
      } else {
        for (const one of batch) one.reject(err);
      }
    }
  }

  private async joinMany(batch: PendingJoin[]): Promise<void> {
    const batchId = newBatchId();
    const { written } = await sqlTransaction(async (tx) => {
      const written = await writeJoins(tx, this.eventId, await lockEvent(tx, this.eventId), batch);
      if (written.accepted.length > 0) await stampBatch(tx.deferred, this.eventId, this.writer, batchId, new Date());
      return { written, batch: batchId };
    }, 15_000);
    answerJoins(written); // only after the commit: a refused same-key request then finds the row
  }
}

function queues(): Map<number, JoinQueue> {
  return singleton("join-queues", () => new Map<number, JoinQueue>());
}

function queueOf(eventId: number): JoinQueue {
  let q = queues().get(eventId);
  if (!q) {
    q = new JoinQueue(eventId);
    queues().set(eventId, q);
  }
  return q;
}

/** An idle queue with no host is dropped, so ids that never were events leave nothing behind. */
function forget(q: JoinQueue): void {
  if (queues().get(q.eventId) === q && !q.host && q.pending.length === 0) queues().delete(q.eventId);
}

/**
 * Writes the purchase rows of these joins, inside a transaction that holds the event's lock
 * (`ev` is the event row as locked; null when there is no such event). Refusals are per join.
 */
export async function writeJoins(tx: HotSql, eventId: number, ev: LockedEvent | null, batch: PendingJoin[]): Promise<JoinWrite> {
  if (!ev) return { accepted: [], refused: batch.map((req) => ({ req, err: new AppError("not_found", `There is no event with id ${eventId}`) })) };
  if (isSoldOut(ev)) return { accepted: [], refused: batch.map((req) => ({ req, err: new AppError("sold_out", "Sold out: every ticket of this event is sold") })) };
  const limit = ev.maxTicketsPerBuyer;
  const held = new Map<string, number>();
  if (limit !== null) {
    const buyers = [...new Set(batch.map((b) => b.input.buyer))];
    const sums = await tx.$queryRawUnsafe<{ buyer: string; held: unknown }[]>(
      `SELECT buyer, SUM(quantity) AS held FROM Purchase WHERE eventId = ? AND run = ? AND status IN ('QUEUED', 'COMPLETED', 'HELD') AND buyer IN (${buyers.map(literal).join(",")}) GROUP BY buyer`,
      eventId,
      ev.run,
    );
    for (const r of sums) held.set(r.buyer.toLowerCase(), Number(r.held ?? 0));
  }
  const now = new Date();
  const accepted: { req: PendingJoin; publicId: string; holdToken: string | null }[] = [];
  const refused: JoinWrite["refused"] = [];
  const keys = new Set<string>();
  for (const req of batch) {
    const { buyer, quantity } = req.input;
    if (req.idempotencyKey && keys.has(req.idempotencyKey)) {
      refused.push({ req, err: new SameKeyInBatch() });
      continue;
    }
    if (quantity > ev.maxTicketCapacity) {
      refused.push({ req, err: new AppError("validation_failed", `This event's pool holds at most ${count(ev.maxTicketCapacity)} tickets at a time: ask for ${count(ev.maxTicketCapacity)} or fewer`, { fields: { quantity: `at most ${ev.maxTicketCapacity} for this event` } }) });
      continue;
    }
    const already = held.get(buyer.toLowerCase()) ?? 0;
    if (limit !== null && already + quantity > limit) {
      refused.push({ req, err: new AppError("invalid_state", `${buyer} may buy at most ${count(limit)} tickets for this event and already has ${count(already)} bought or in line`) });
      continue;
    }
    held.set(buyer.toLowerCase(), already + quantity);
    if (req.idempotencyKey) keys.add(req.idempotencyKey);
    accepted.push({ req, publicId: newPublicId(), holdToken: req.input.mode === "hold" ? newHoldToken() : null });
  }
  if (accepted.length === 0) return { accepted: [], refused };
  // One multi-row INSERT with the values as literals: an ORM createMany compiles a new query
  // plan for every batch size, which cost more than the rows on the hot path.
  const { firstId } = await tx.insert(
    `INSERT INTO Purchase (publicId, eventId, run, buyer, vip, quantity, source, requestedAt, idempotencyKey, requestHash, hold, holdToken) VALUES ${valuesList(
      accepted.map(({ req, publicId, holdToken }) => [publicId, eventId, ev.run, req.input.buyer, req.input.vip ? 1 : 0, req.input.quantity, req.source, now, req.idempotencyKey ?? null, req.requestHash, holdToken ? 1 : 0, holdToken]),
    )}`,
  );
  const ids = new Map<string, bigint>();
  if (await consecutiveIds(tx)) {
    accepted.forEach(({ publicId }, k) => ids.set(publicId, firstId + BigInt(k)));
  } else {
    // The event row is locked: this event's rows from the first new id on are exactly these.
    const rows = await tx.$queryRawUnsafe<{ id: bigint | number; publicId: string }[]>("SELECT id, publicId FROM Purchase WHERE eventId = ? AND id >= ?", eventId, firstId);
    for (const r of rows) ids.set(r.publicId, BigInt(r.id));
  }
  await appendLogs(
    tx.deferred,
    accepted.map(({ req }) =>
      logRow({ eventId, run: ev.run }, ev, {
        kind: "QUEUED",
        actor: req.input.buyer,
        vip: req.input.vip,
        message: `${req.input.buyer} joined the queue for ${count(req.input.quantity)} ticket${req.input.quantity === 1 ? "" : "s"}${req.input.mode === "hold" ? " (to hold, then confirm)" : ""}`,
        at: now,
      }),
    ),
  );
  return {
    accepted: accepted.map(({ req, publicId, holdToken }) => {
      const id = ids.get(publicId);
      if (id === undefined) throw new Error("A purchase row just inserted was not found");
      const { buyer, vip, quantity } = req.input;
      return { req, joined: { id, publicId, run: ev.run, buyer, vip, quantity, requestedAt: now, ...(holdToken ? { holdToken } : {}) } };
    }),
    refused,
  };
}

/** Answers each join once its transaction has committed — with its outcome when that same batch served it. */
export function answerJoins(written: JoinWrite, settled: Settled[] = []): void {
  const outcome = new Map(settled.map((s) => [s.id, s]));
  for (const { req, joined } of written.accepted) req.resolve({ ...joined, settled: outcome.get(joined.id) });
  for (const r of written.refused) r.req.reject(r.err);
}

export function isDuplicateKey(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === "P2002" || /Duplicate entry|Unique constraint/i.test(e?.message ?? "");
}

export function joinQueue(eventId: number, req: JoinRequest): Promise<JoinedPurchase> {
  return queueOf(eventId).submit(req);
}

/**
 * This process drives the event: its pool batches take the joins waiting here (takeJoins),
 * and `kick` asks for a batch when one arrives. Returns the call that ends hosting; joins
 * still waiting then get a transaction of their own.
 */
export function hostJoins(eventId: number, kick: () => void): () => void {
  const q = queueOf(eventId);
  const host = { kick };
  q.host = host;
  return () => {
    if (q.host !== host) return;
    q.host = undefined;
    if (q.pending.length > 0) q.schedule();
    else forget(q);
  };
}

/** The joins waiting for the event's next batch (for the host's batch). */
export function takeJoins(eventId: number): PendingJoin[] {
  return queues().get(eventId)?.pending.splice(0) ?? [];
}

/** Joins whose host batch rolled back: they get a transaction of their own. */
export function returnJoins(eventId: number, joins: PendingJoin[]): void {
  queueOf(eventId).own(joins);
}
