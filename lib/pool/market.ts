import "server-only";
import { Mutex } from "async-mutex";
import type { ActorKind, ActorState } from "@/lib/contracts/event";
import type { Fence } from "@/lib/db/lease";
import { logsCommitted } from "@/lib/log/feed";
import { answerJoins, hostJoins, returnJoins, takeJoins, type PendingJoin } from "@/lib/purchases/join";
import { purchasesChanged } from "@/lib/purchases/notify";
import { WaitingQueue } from "@/lib/purchases/queue";
import { batchCommitted, newBatchId } from "@/lib/db/batch";
import { isCommitUnknown } from "@/lib/db/sql";
import { settle, type Settlement } from "./settle";

// One event's pool as this process sees it. Vendors and customers ask for work; requests that
// arrive while a batch is being written wait under the event's mutex and go into the next
// batch together (group commit), which is where throughput comes from. A vendor whose tickets
// do not fit and a customer who finds the pool empty stay parked here, not spinning, until a
// later batch serves them; customers are served from the waiting queue, VIPs first.

export type VendorRef = { id: number; name: string };
export type CustomerRef = { id: number; name: string; vip: boolean };

export type ReleaseOutcome = { released: number; result: "done" | "exhausted" | "stopped"; waited: boolean };
export type BuyOutcome = { ticketIds: bigint[]; result: "done" | "sold_out" | "stopped"; waited: boolean; waitedMs: number };

type ReleaseRequest = {
  vendor: VendorRef;
  want: number;
  got: number;
  state: ActorState;
  waited: boolean;
  resolve: (o: ReleaseOutcome) => void;
};

type BuyRequest = {
  customer: CustomerRef;
  vip: boolean;
  want: number;
  ticketIds: bigint[];
  purchaseId: bigint | null;
  state: ActorState;
  waited: boolean;
  joinedAt: number;
  resolve: (o: BuyOutcome) => void;
};

export type MarketOptions = {
  /** How often parked requests look at the database again, for changes made by other processes. */
  retryMs: number;
  /** Called once when the database says the run is no longer ours to drive (stopped, sold out, reset). */
  onHalt: (status: string) => void;
  onError: (err: unknown) => void;
  /** Called after each committed batch with the event's roster counter (it moves when actors change, wherever). */
  onRoster?: (roster: number) => void;
  /** The lease this market drives under: a batch commits only while it holds (see lib/db/lease.ts). */
  fence?: Fence;
};

export class Market {
  private readonly mutex = new Mutex();
  private releases: ReleaseRequest[] = [];
  private readonly queue = new WaitingQueue<BuyRequest>();
  private scheduled = false;
  private immediate = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private halted = false;
  private failures = 0;
  private readonly unhost: () => void;
  /** This market's name on its batch stamps (lib/db/batch.ts). */
  private readonly writer = newBatchId();
  /** A batch whose COMMIT went unanswered: whether it committed is asked before anything else is written. */
  private unsure: { batch: string; s: Settlement; releases: ReleaseRequest[]; buyers: BuyRequest[]; joins: PendingJoin[] } | undefined;
  /** What this process's batches have done for the event (for benchmarks and tests). */
  readonly totals = { released: 0, sold: 0, batches: 0 };

  constructor(
    readonly eventId: number,
    readonly run: number,
    private readonly options: MarketOptions,
  ) {
    // Real buyers joining this event in this process are written by this market's batches.
    this.unhost = hostJoins(eventId, () => this.kick());
  }

  release(vendor: VendorRef, count: number): Promise<ReleaseOutcome> {
    if (this.halted) return Promise.resolve({ released: 0, result: "stopped", waited: false });
    return new Promise((resolve) => {
      this.releases.push({ vendor, want: count, got: 0, state: "WORKING", waited: false, resolve });
      this.kick();
    });
  }

  buy(customer: CustomerRef, count: number): Promise<BuyOutcome> {
    if (this.halted) return Promise.resolve({ ticketIds: [], result: "stopped", waited: false, waitedMs: 0 });
    return new Promise((resolve) => {
      this.queue.join({ customer, vip: customer.vip, want: count, ticketIds: [], purchaseId: null, state: "WORKING", waited: false, joinedAt: Date.now(), resolve });
      this.kick();
    });
  }

  get waiting(): { vip: number; regular: number } {
    return this.queue.size;
  }

  /** Answers every parked request "stopped"; nothing is half done, as batches are transactions. */
  halt(): void {
    if (this.halted) return;
    this.halted = true;
    this.unhost();
    clearTimeout(this.retryTimer);
    for (const r of this.releases.splice(0)) r.resolve({ released: r.got, result: "stopped", waited: r.waited });
    for (const b of this.queue.drain()) b.resolve({ ticketIds: b.ticketIds, result: "stopped", waited: b.waited, waitedMs: Date.now() - b.joinedAt });
    this.answerUnsure();
  }

  /** Halted with a batch whose COMMIT went unanswered: its real buyers still get their answer, once the database says whether it committed. */
  private answerUnsure(): void {
    const u = this.unsure;
    this.unsure = undefined;
    if (u && u.joins.length > 0) {
      batchCommitted(this.eventId, this.writer, u.batch).then(
        (committed) => {
          if (!committed) return returnJoins(this.eventId, u.joins);
          const settled = u.s.halted ? [] : u.s.settledPurchases;
          answerJoins(u.s.joins, settled);
          purchasesChanged(settled);
        },
        (err: unknown) => u.joins.forEach((j) => j.reject(err)),
      );
    }
  }

  /**
   * Takes a removed actor's parked requests out (answered "stopped"). A batch already being
   * written finishes first: what it released or sold for the actor is whole and stays.
   */
  async withdraw(kind: ActorKind, id: number): Promise<void> {
    await this.mutex.runExclusive(() => {
      if (kind === "vendor") {
        this.releases = this.releases.filter((r) => (r.vendor.id === id ? (r.resolve({ released: r.got, result: "stopped", waited: r.waited }), false) : true));
      } else {
        const now = Date.now();
        this.queue.prune((b) => (b.customer.id === id ? (b.resolve({ ticketIds: b.ticketIds, result: "stopped", waited: b.waited, waitedMs: now - b.joinedAt }), true) : false));
      }
    });
  }

  /** Serve now: a real buyer just joined the queue. */
  nudge(): void {
    this.kick();
  }

  /** Resolves once the batch being written (if any) has committed. */
  async idle(): Promise<void> {
    await this.mutex.waitForUnlock();
  }

  /** Schedules a batch: at once for new work, after `delay` for a retry. An immediate kick overrides a pending retry. */
  private kick(delay = 0): void {
    if (this.halted) return;
    if (this.scheduled && (delay > 0 || this.immediate)) return;
    clearTimeout(this.retryTimer);
    this.scheduled = true;
    this.immediate = delay === 0;
    const run = () => {
      this.scheduled = false;
      void this.mutex.runExclusive(() => this.flush());
    };
    if (delay > 0) this.retryTimer = setTimeout(run, delay);
    else setImmediate(run);
  }

  private async flush(): Promise<void> {
    if (this.halted) return;
    if (this.unsure && !(await this.resolveUnsure())) return;
    const releases = this.releases.slice();
    const buyers = this.queue.ordered();
    const joins = takeJoins(this.eventId);
    const batch = newBatchId();
    let s;
    try {
      s = await settle(
        this.eventId,
        this.run,
        releases.map((r) => ({ vendorId: r.vendor.id, name: r.vendor.name, want: r.want - r.got, state: r.state })),
        buyers.map((b) => ({
          customerId: b.customer.id,
          name: b.customer.name,
          vip: b.vip,
          want: b.want - b.ticketIds.length,
          quantity: b.want,
          state: b.state,
          purchaseId: b.purchaseId,
          joinedAt: new Date(b.joinedAt),
        })),
        joins,
        this.options.fence,
        { writer: this.writer, batch },
      );
      this.failures = 0;
    } catch (err) {
      if (isCommitUnknown(err)) {
        // Perhaps committed, perhaps not: nothing more is written until the database says which.
        this.unsure = { batch, s: err.result as Settlement, releases, buyers, joins };
        // Halted while this batch was being written: no batch comes after it to find out, so find out now.
        if (this.halted) return this.answerUnsure();
        this.retryLater(err);
        return;
      }
      if (joins.length > 0) {
        // Perhaps one of the joins (a key another process just took): they go on their own, the batch again without them.
        returnJoins(this.eventId, joins);
        this.kick();
        return;
      }
      // The transaction rolled back, so nothing changed: keep every request parked and try
      // again with backoff (a database outage pauses the sale, it never loses tickets).
      this.retryLater(err);
      return;
    }
    this.apply(s, releases, buyers);
  }

  private retryLater(err: unknown): void {
    this.failures++;
    this.options.onError(err);
    this.kick(Math.min(5_000, 100 * 2 ** Math.min(this.failures, 6)));
  }

  /**
   * After a COMMIT without an answer: asks the database whether that batch committed. If it
   * did, its outcome is applied as if the answer had come; if not, it is as if it never ran
   * (its joins go back to the queue). False when the database cannot say yet.
   */
  private async resolveUnsure(): Promise<boolean> {
    const u = this.unsure!;
    let committed: boolean;
    try {
      committed = await batchCommitted(this.eventId, this.writer, u.batch);
    } catch (err) {
      this.retryLater(err);
      return false;
    }
    this.unsure = undefined;
    if (committed) {
      this.apply(u.s, u.releases, u.buyers);
      return false; // apply schedules what comes next
    }
    if (u.joins.length > 0) returnJoins(this.eventId, u.joins);
    return !this.halted;
  }

  /** What a committed batch did, applied to the requests it was written for. */
  private apply(s: Settlement, releases: ReleaseRequest[], buyers: BuyRequest[]): void {
    answerJoins(s.joins, s.halted ? [] : s.settledPurchases);
    logsCommitted(this.eventId);
    if (s.halted) {
      this.halt();
      this.options.onHalt(s.status);
      return;
    }
    this.options.onRoster?.(s.roster);
    const now = Date.now();
    this.totals.batches++;
    this.totals.released += s.plan.released.reduce((a, b) => a + b, 0);
    this.totals.sold += s.plan.bought.reduce((a, b) => a + b, 0);
    releases.forEach((r, i) => {
      r.got += s.plan.released[i];
      r.state = s.vendorStates[i];
      if (r.state === "WAITING") r.waited = true;
    });
    purchasesChanged(s.settledPurchases);
    buyers.forEach((b, i) => {
      b.purchaseId = s.purchaseIds[i];
      b.ticketIds.push(...s.tickets[i]);
      if (s.heldSimulated?.[i]) b.want = b.ticketIds.length; // held what it got: the request is done
      b.state = s.customerStates[i];
      if (b.state === "WAITING") b.waited = true;
    });
    this.releases = this.releases.filter((r) => {
      if (s.gone.vendors.has(r.vendor.id)) r.resolve({ released: r.got, result: "stopped", waited: r.waited });
      else if (r.got >= r.want) r.resolve({ released: r.got, result: "done", waited: r.waited });
      else if (r.state === "DONE") r.resolve({ released: r.got, result: "exhausted", waited: r.waited });
      else return true;
      return false;
    });
    this.queue.prune((b) => {
      if (s.gone.customers.has(b.customer.id)) b.resolve({ ticketIds: b.ticketIds, result: "stopped", waited: b.waited, waitedMs: now - b.joinedAt });
      else if (b.ticketIds.length >= b.want) b.resolve({ ticketIds: b.ticketIds, result: "done", waited: b.waited, waitedMs: now - b.joinedAt });
      else if (b.state === "DONE") b.resolve({ ticketIds: b.ticketIds, result: "sold_out", waited: b.waited, waitedMs: now - b.joinedAt });
      else return false;
      return true;
    });
    if (s.plan.soldOut) {
      this.halt();
      this.options.onHalt("SOLD_OUT");
      return;
    }
    // Even with nothing parked here, look again soon: real buyers' purchases arrive as rows,
    // possibly through another app instance.
    if (s.plan.truncated) this.kick();
    else this.kick(this.options.retryMs);
  }
}
