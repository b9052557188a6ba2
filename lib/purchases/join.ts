import "server-only";
import { Mutex } from "async-mutex";
import { AppError } from "@/lib/contracts/errors";
import { isSoldOut } from "@/lib/contracts/event";
import { formatCount as count } from "@/lib/contracts/format";
import type { PurchaseRequest } from "@/lib/contracts/purchase-input";
import { db } from "@/lib/db/client";
import { literal, valuesList } from "@/lib/db/literal";
import { lockEventOrThrow } from "@/lib/db/lock";
import { appendLogs, logRow } from "@/lib/log/append";
import { singleton } from "@/lib/platform/singleton";
import { newPublicId } from "./ids";

// Joining the queue writes the purchase row under the event's lock (so the queue order, the
// sold-out answer and the per-buyer limit are decided against the pool as it is). A rush of
// buyers would queue for that lock one by one; instead, joins that arrive together in this
// process go into one transaction (group commit) under the event's mutex.

export type JoinRequest = {
  input: PurchaseRequest;
  source: "API" | "WEB";
  idempotencyKey?: string;
  requestHash: string;
};

/** A purchase just written to the queue: what its answer needs besides the outcome. */
export type JoinedPurchase = { id: bigint; publicId: string; run: number; buyer: string; vip: boolean; quantity: number; requestedAt: Date };

type Pending = JoinRequest & { resolve: (joined: JoinedPurchase) => void; reject: (err: unknown) => void };

/** Thrown to a request whose Idempotency-Key another request of the same batch is using. */
export class SameKeyInBatch extends Error {}

class JoinQueue {
  private readonly mutex = new Mutex();
  private pending: Pending[] = [];
  private scheduled = false;

  constructor(private readonly eventId: number) {}

  submit(req: JoinRequest): Promise<JoinedPurchase> {
    return new Promise((resolve, reject) => {
      this.pending.push({ ...req, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        void this.mutex.runExclusive(() => this.flush());
      });
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending.splice(0);
    if (batch.length === 0) return;
    try {
      await joinMany(this.eventId, batch);
    } catch (err) {
      if (batch.length > 1 && isDuplicateKey(err)) {
        // Another process took one of these keys meanwhile: settle them one by one.
        for (const one of batch) await joinMany(this.eventId, [one]).catch(one.reject);
      } else {
        for (const one of batch) one.reject(err);
      }
    }
  }
}

async function joinMany(eventId: number, batch: Pending[]): Promise<void> {
  const outcome = await db().$transaction(
    async (tx) => {
      const ev = await lockEventOrThrow(tx, eventId);
      if (isSoldOut(ev)) {
        throw new AppError("sold_out", "Sold out: every ticket of this event is sold");
      }
      const limit = ev.maxTicketsPerBuyer;
      const held = new Map<string, number>();
      if (limit !== null) {
        const buyers = [...new Set(batch.map((b) => b.input.buyer))];
        const sums = await tx.$queryRawUnsafe<{ buyer: string; held: unknown }[]>(
          `SELECT buyer, SUM(quantity) AS held FROM Purchase WHERE eventId = ? AND run = ? AND status IN ('QUEUED', 'COMPLETED') AND buyer IN (${buyers.map(literal).join(",")}) GROUP BY buyer`,
          eventId,
          ev.run,
        );
        for (const r of sums) held.set(r.buyer.toLowerCase(), Number(r.held ?? 0));
      }
      const now = new Date();
      const accepted: { req: Pending; publicId: string }[] = [];
      const refused: { req: Pending; err: unknown }[] = [];
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
        accepted.push({ req, publicId: newPublicId() });
      }
      let rows: { id: bigint; publicId: string }[] = [];
      if (accepted.length > 0) {
        // One multi-row INSERT with the values as literals: an ORM createMany compiles a new
        // query plan for every batch size, which cost more than the rows on the hot path.
        await tx.$executeRawUnsafe(
          `INSERT INTO Purchase (publicId, eventId, run, buyer, vip, quantity, source, requestedAt, idempotencyKey, requestHash) VALUES ${valuesList(
            accepted.map(({ req, publicId }) => [publicId, eventId, ev.run, req.input.buyer, req.input.vip ? 1 : 0, req.input.quantity, req.source, now, req.idempotencyKey ?? null, req.requestHash]),
          )}`,
        );
        // The event row is locked: this event's rows from the first new id on are exactly these.
        rows = (await tx.$queryRawUnsafe<{ id: bigint | number; publicId: string }[]>("SELECT id, publicId FROM Purchase WHERE eventId = ? AND id >= LAST_INSERT_ID()", eventId)).map((r) => ({ id: BigInt(r.id), publicId: r.publicId }));
        const logs = accepted.map(({ req }) =>
          logRow({ eventId, run: ev.run }, ev, {
            kind: "QUEUED",
            actor: req.input.buyer,
            vip: req.input.vip,
            message: `${req.input.buyer} joined the queue for ${count(req.input.quantity)} ticket${req.input.quantity === 1 ? "" : "s"}`,
            at: now,
          }),
        );
        await appendLogs(tx, logs);
      }
      const ids = new Map(rows.map((r) => [r.publicId, r.id]));
      return { accepted: accepted.map((a) => ({ req: a.req, publicId: a.publicId, id: ids.get(a.publicId)! })), refused, now, run: ev.run };
    },
    { maxWait: 30_000, timeout: 15_000 },
  );
  // Answer only after the commit: a refused same-key request then finds the row.
  for (const a of outcome.accepted) {
    const { buyer, vip, quantity } = a.req.input;
    a.req.resolve({ id: a.id, publicId: a.publicId, run: outcome.run, buyer, vip, quantity, requestedAt: outcome.now });
  }
  for (const r of outcome.refused) r.req.reject(r.err);
}

export function isDuplicateKey(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === "P2002" || /Duplicate entry|Unique constraint/i.test(e?.message ?? "");
}

export function joinQueue(eventId: number, req: JoinRequest): Promise<JoinedPurchase> {
  const queues = singleton("join-queues", () => new Map<number, JoinQueue>());
  let q = queues.get(eventId);
  if (!q) {
    q = new JoinQueue(eventId);
    queues.set(eventId, q);
  }
  return q.submit(req);
}
