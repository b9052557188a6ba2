import "server-only";
import { setMaxListeners } from "node:events";
import type { ActorKind } from "@/lib/contracts/event";
import { formatCount as count } from "@/lib/contracts/format";
import { hostname } from "node:os";
import { db } from "@/lib/db/client";
import { LeaseConnection, type Fence } from "@/lib/db/lease";
import { lockEvent } from "@/lib/db/lock";
import { appendLogs, logRow } from "@/lib/log/append";
import { env } from "@/lib/platform/env";
import { logger } from "@/lib/platform/logger";
import { singleton } from "@/lib/platform/singleton";
import { Market } from "@/lib/pool/market";
import { expireWaits } from "@/lib/purchases/cancel";
import { cancelQueuedPurchases } from "@/lib/purchases/ledger";
import { runActor, sleep } from "./actor-loop";
import { catchUpRounds, planCatchUp } from "./catch-up";

// One engine per process, a process singleton so that a hot reload in `next dev` never starts a
// second one. It drives the simulated vendors and customers of the RUNNING events whose lease
// it holds (lib/db/lease.ts): one driver per event across every instance on the database.
// The database decides what is true (status, counters), and the engine halts an event's
// actors as soon as a batch finds it no longer RUNNING — or finds the lease gone. Every
// instance watches for RUNNING events that nobody drives (a driver died) and takes them over.

/** How often every instance looks for running events nobody drives (their driver died, or let its lease expire). */
const WATCH_MS = 500;
/** On-demand: how long a request keeps its event driven here (an open stream renews it every second). */
export const DEMAND_MS = 2_000;
const DEMAND_CHECK_MS = 250;
/** On-demand: how often an instance that is wanted but does not drive tries the lease again (its driver may be frozen or gone). */
const DEMAND_RETRY_MS = 500;
/** How often a driver writes Event.advancedAt: what an on-demand driver after it catches up from. */
const HEARTBEAT_MS = 1_000;
/** A catch-up moves at most this many tickets a round (each round is batches of the market's own). */
const CATCH_UP_ROUND = 5_000;
/** A round that has not finished by then (a real buyer took what a simulated one was owed) lets the next one go. */
const CATCH_UP_ROUND_MS = 3_000;
/** Gaps shorter than this are ordinary: no catch-up, no log row. */
const CATCH_UP_MIN_MS = 500;
const EXPIRE_EVERY_MS = 60_000;
/** How often a driver reads its event's actor rows, for pauses, additions and removals made on other instances. */
const FOLLOW_MS = 2_000;

/** This instance's name: INSTANCE_ID, or host:port. */
export function instanceId(): string {
  return env().INSTANCE_ID ?? `${hostname()}:${env().PORT}`;
}

type ActorLoop = { abort: AbortController; done: Promise<void> };

type Runtime = {
  eventId: number;
  run: number;
  market: Market;
  abort: AbortController;
  actors: Map<string, ActorLoop>;
  /** The lease it runs under (none for an unfenced test driver). */
  fence: Fence | undefined;
  defaults: { ticketReleaseRate: number; customerRetrievalRate: number };
};

/** A vendor or customer to drive; `rate` is its own tickets/s, or null for the event's default. */
export type ActorRow = { kind: ActorKind; id: number; name: string; vip: boolean; rate: number | null };

export class Engine {
  private readonly runtimes = new Map<number, Runtime>();
  private readonly pending = new Map<number, Promise<void>>();
  /** Lease attempts in flight here, one per event (see lead). */
  private readonly leading = new Map<number, Promise<boolean>>();
  private readonly stats = new Map<number, { released: number; sold: number; batches: number }>();
  private lease: Promise<LeaseConnection> | undefined;
  private watcher: NodeJS.Timeout | undefined;
  private watching = false;
  /** When waits were last checked against PURCHASE_MAX_WAIT_MS (see expireWaits). */
  private expiredAt = 0;
  /** On-demand: until when each event is wanted here, and the lease attempt in flight. */
  private readonly demands = new Map<number, { until: number; triedAt: number; trying?: Promise<boolean> }>();
  private demandTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly tickMs: number,
    readonly mode: "background" | "on-demand" = "background",
  ) {}

  /**
   * On-demand mode: a request for the event came (a page, an API call, a purchase, an open
   * stream, the cron). The event is driven here for `ms` from now if this instance can take
   * its lease — with a catch-up for the time nobody drove it — and let go when nothing has
   * wanted it for that long. While another instance holds the lease, this one tries again
   * every DEMAND_RETRY_MS as long as it is wanted (the holder may be frozen or gone). True
   * when this instance drives the event now. In background mode it changes nothing.
   */
  async want(eventId: number, ms = DEMAND_MS): Promise<boolean> {
    if (this.mode !== "on-demand") return this.runtimes.has(eventId);
    const d = this.demands.get(eventId) ?? { until: 0, triedAt: 0 };
    this.demands.set(eventId, d);
    d.until = Math.max(d.until, Date.now() + ms);
    this.demandTimer ??= setInterval(() => void this.reviewDemand(), DEMAND_CHECK_MS);
    this.demandTimer.unref?.();
    if (this.runtimes.has(eventId)) return true;
    return this.tryLead(eventId, d);
  }

  private tryLead(eventId: number, d: { triedAt: number; trying?: Promise<boolean> }): Promise<boolean> {
    d.triedAt = Date.now();
    d.trying ??= this.lead(eventId, true)
      .catch((err: unknown) => {
        logger().warn({ err, eventId }, "could not take the event's lease; trying again while it is wanted");
        return false;
      })
      .finally(() => (d.trying = undefined));
    return d.trying;
  }

  /** Lets go of events nobody wants any more, and tries again for those wanted but driven elsewhere. */
  private async reviewDemand(): Promise<void> {
    const now = Date.now();
    for (const [id, d] of this.demands) {
      if (d.trying) continue;
      if (now >= d.until) {
        this.demands.delete(id);
        if (this.runtimes.has(id)) await this.halt(id).catch((err: unknown) => logger().warn({ err, eventId: id }, "letting go of an event failed"));
      } else if (!this.runtimes.has(id) && !this.pending.has(id) && now - d.triedAt >= DEMAND_RETRY_MS) void this.tryLead(id, d);
    }
    if (this.demands.size === 0 && this.demandTimer) {
      clearInterval(this.demandTimer);
      this.demandTimer = undefined;
    }
  }

  /** The lease session, opened on first use; when it dies every event it led is halted here (a batch would be fenced anyway). */
  private leases(): Promise<LeaseConnection> {
    this.lease ??= LeaseConnection.open(
      instanceId(),
      (err) => {
        logger().warn({ err }, "lost the lease connection: halting the events this instance drove");
        this.lease = undefined;
        for (const [id, rt] of this.runtimes) if (rt.fence) this.stop(id, rt);
      },
      (eventId) => {
        const rt = this.runtimes.get(eventId);
        if (!rt?.fence) return;
        logger().warn({ eventId }, "another instance holds the lease now: stopped driving");
        this.stop(eventId, rt);
        void this.letGo(eventId, rt.fence);
      },
    ).catch((err: unknown) => {
      this.lease = undefined;
      throw err;
    });
    return this.lease;
  }

  /**
   * Drives the event if this instance can take its lease (nobody else drives it). `resume`:
   * the previous driver is gone, so its simulated requests died with it (cancelled) and the
   * log says the run was resumed. True when this instance drives the event afterwards.
   */
  lead(eventId: number, resume = false): Promise<boolean> {
    // One attempt at a time per event in this process: a named lock is re-entrant within its
    // session, so a second attempt here would "take" the lease this process already holds (and
    // the watcher's would log a takeover that never happened).
    const inFlight = this.leading.get(eventId);
    if (inFlight) return inFlight.catch(() => false);
    const attempt = this.leadOnce(eventId, resume).finally(() => {
      if (this.leading.get(eventId) === attempt) this.leading.delete(eventId);
    });
    this.leading.set(eventId, attempt);
    return attempt;
  }

  /**
   * Makes the event RUNNING (`start`, its transaction) and then leads it, as one attempt: from
   * the moment it is called, this process's watcher cannot see the event as RUNNING and
   * undriven, and take it over as a resume, before the start's own lead.
   */
  startAndLead(eventId: number, start: () => Promise<void>): Promise<boolean> {
    const inFlight = this.leading.get(eventId) ?? Promise.resolve(false);
    const attempt = inFlight
      .catch(() => false)
      .then(start)
      .then(() => this.leadOnce(eventId, false))
      .finally(() => {
        if (this.leading.get(eventId) === attempt) this.leading.delete(eventId);
      });
    this.leading.set(eventId, attempt);
    return attempt;
  }

  private async leadOnce(eventId: number, resume: boolean): Promise<boolean> {
    const current = this.runtimes.get(eventId);
    if (current) {
      const ev = await db().event.findUnique({ where: { id: eventId }, select: { run: true } });
      if (ev?.run === current.run) return true;
      // The run this instance drives was reset elsewhere and its market has not noticed yet:
      // that runtime ends here (and gives its lease back) before the new run is led.
      await this.halt(eventId);
    }
    const lease = await this.leases();
    if (!(await lease.tryTake(eventId))) return false;
    const taken = lease.fence(eventId);
    try {
      const ev = await db().event.findUnique({ where: { id: eventId }, select: { status: true } });
      if (ev?.status !== "RUNNING") return false;
      if (resume) {
        // Simulated requests died with the old driver; real buyers' purchases keep their place.
        // On demand, a new driver is ordinary (its catch-up is logged instead, in create).
        // Under the event's lock, as every log row is written, so that log ids commit in order
        // and the live feed (id > cursor) cannot pass over this one.
        await db().$transaction(async (tx) => {
          const locked = await lockEvent(tx, eventId);
          if (!locked) return;
          await cancelQueuedPurchases(tx, { eventId, run: locked.run, simulatedOnly: true });
          if (this.mode === "background") await appendLogs(tx, [logRow({ eventId, run: locked.run }, locked, { kind: "RESUMED", actor: "system", message: `${instanceId()} took over the run` })]);
        });
      }
      await db().$executeRawUnsafe("UPDATE Event SET driverInstance = ? WHERE id = ?", instanceId(), eventId);
      if (taken) await this.spawn(eventId, taken);
      return this.runtimes.has(eventId);
    } finally {
      if (!this.runtimes.has(eventId)) await this.letGo(eventId, taken);
    }
  }

  /**
   * Gives back the lease `fence` names, and the driver's name with it — unless this process has
   * taken the lease again since (a newer epoch: a new run, or a takeover of its own), which stays.
   */
  private async letGo(eventId: number, fence: Fence | undefined): Promise<void> {
    try {
      const lease = this.lease && (await this.lease);
      const now = lease?.fence(eventId);
      if (fence && now && now.epoch !== fence.epoch) return;
      await db().$executeRawUnsafe("UPDATE Event SET driverInstance = NULL WHERE id = ? AND driverInstance = ?", eventId, instanceId());
      if (fence) await lease?.release(eventId, fence.epoch);
    } catch (err) {
      logger().warn({ err, eventId }, "could not give the lease back; it ends with the session");
    }
  }

  /** Every WATCH_MS, takes over RUNNING events that no instance drives (their driver died or let go). */
  watchRunning(): void {
    if (this.watcher) return;
    this.watcher = setInterval(() => void this.takeOver(), WATCH_MS);
    this.watcher.unref();
  }

  private async takeOver(): Promise<void> {
    if (this.watching) return;
    this.watching = true;
    try {
      const running = await db().event.findMany({ where: { status: "RUNNING" }, select: { id: true } });
      for (const { id } of running) if (!this.runtimes.has(id) && !this.pending.has(id) && !this.leading.has(id)) await this.lead(id, true);
      // Once a minute: real buyers who have waited longer than PURCHASE_MAX_WAIT_MS leave the line.
      if (Date.now() - this.expiredAt >= EXPIRE_EVERY_MS) {
        this.expiredAt = Date.now();
        const n = await expireWaits(env().PURCHASE_MAX_WAIT_MS);
        if (n > 0) logger().info({ expired: n }, "purchases that waited too long left the queue");
      }
    } catch (err) {
      logger().warn({ err }, "looking for events to take over failed; trying again");
    } finally {
      this.watching = false;
    }
  }

  /** Tickets this process released and sold for the event, across its runtimes here. */
  totals(eventId: number): { released: number; sold: number; batches: number } {
    return this.stats.get(eventId) ?? { released: 0, sold: 0, batches: 0 };
  }

  isDriving(eventId: number): boolean {
    return this.runtimes.has(eventId);
  }

  waiting(eventId: number): { vip: number; regular: number } | null {
    return this.runtimes.get(eventId)?.market.waiting ?? null;
  }

  /**
   * Starts the actors of a RUNNING event here without a lease: for tests that race several
   * drivers on purpose (the pool's row lock keeps the invariants). The app uses `lead`.
   */
  drive(eventId: number): Promise<void> {
    return this.spawn(eventId);
  }

  private spawn(eventId: number, fence?: Fence): Promise<void> {
    const inFlight = this.pending.get(eventId);
    if (inFlight) return inFlight;
    const p = this.create(eventId, fence).finally(() => this.pending.delete(eventId));
    this.pending.set(eventId, p);
    return p;
  }

  /** Stops the event's actors here and waits until the batch in flight has committed. */
  async halt(eventId: number): Promise<void> {
    await this.pending.get(eventId);
    const rt = this.runtimes.get(eventId);
    if (!rt) return;
    await this.wind(eventId, rt);
    if (rt.fence) await this.letGo(eventId, rt.fence);
  }

  /** Stops a runtime and waits for its batch in flight (without waiting for a start in progress, which may be the caller). */
  private async wind(eventId: number, rt: Runtime): Promise<void> {
    this.stop(eventId, rt);
    await Promise.allSettled([...rt.actors.values()].map((a) => a.done));
    await rt.market.idle();
  }

  private stop(eventId: number, rt: Runtime): void {
    if (this.runtimes.get(eventId) === rt) this.runtimes.delete(eventId);
    rt.abort.abort();
    rt.market.halt();
  }

  /** A real buyer joined the event's queue: serve it now if this process drives the event. */
  nudge(eventId: number): void {
    this.runtimes.get(eventId)?.market.nudge();
  }

  /** A vendor or customer added while the event runs here starts working at once. */
  addActor(eventId: number, actor: ActorRow): void {
    const rt = this.runtimes.get(eventId);
    if (rt) this.startLoop(rt, actor);
  }

  /**
   * Stops a removed actor here: its loop ends, its parked requests leave the queue, and a
   * batch in flight commits whole before this resolves.
   */
  async removeActor(eventId: number, kind: ActorKind, id: number): Promise<void> {
    const rt = this.runtimes.get(eventId);
    if (!rt) return;
    const loop = rt.actors.get(`${kind}:${id}`);
    rt.actors.delete(`${kind}:${id}`);
    loop?.abort.abort();
    await rt.market.withdraw(kind, id);
    await loop?.done;
  }

  private startLoop(rt: Runtime, actor: ActorRow): void {
    const key = `${actor.kind}:${actor.id}`;
    if (rt.actors.has(key)) return;
    const abort = new AbortController();
    setMaxListeners(0, abort.signal);
    const stop = () => abort.abort();
    rt.abort.signal.addEventListener("abort", stop, { once: true });
    const step =
      actor.kind === "vendor"
        ? (due: number) => rt.market.release({ id: actor.id, name: actor.name }, due)
        : (due: number) => rt.market.buy({ id: actor.id, name: actor.name, vip: actor.vip }, due);
    const rate = actor.rate ?? (actor.kind === "vendor" ? rt.defaults.ticketReleaseRate : rt.defaults.customerRetrievalRate);
    const done = runActor(abort.signal, this.tickMs, rate, step).finally(() => rt.abort.signal.removeEventListener("abort", stop));
    rt.actors.set(key, { abort, done });
  }

  /** After a restart: every event the database says is RUNNING and nobody drives is driven from here. */
  async resumeRunning(): Promise<number[]> {
    const events = await db().event.findMany({ where: { status: "RUNNING" }, select: { id: true } });
    const led: number[] = [];
    for (const ev of events) if (await this.lead(ev.id, true)) led.push(ev.id);
    return led;
  }

  async shutdown(): Promise<void> {
    clearInterval(this.watcher);
    this.watcher = undefined;
    clearInterval(this.demandTimer);
    this.demandTimer = undefined;
    this.demands.clear();
    await Promise.all([...this.runtimes.keys()].map((id) => this.halt(id)));
    const lease = this.lease;
    this.lease = undefined;
    (await lease?.catch(() => undefined))?.close();
  }

  private async create(eventId: number, fence: Fence | undefined): Promise<void> {
    const ev = await db().event.findUnique({ where: { id: eventId }, select: { status: true, run: true, roster: true, ticketReleaseRate: true, customerRetrievalRate: true } });
    if (!ev || ev.status !== "RUNNING") return;
    const current = this.runtimes.get(eventId);
    if (current && current.run === ev.run) return;
    if (current) await this.wind(eventId, current); // an older run's runtime: its lease, if any, is this one now

    const abort = new AbortController();
    setMaxListeners(0, abort.signal); // every sleeping actor listens for the halt
    let errorLogged = false;
    const log = logger().child({ eventId, run: ev.run });
    let looking = false;
    let again = false;
    let seenRoster = ev.roster; // read before the first follow below: a change after it moves the counter
    const followSoon = (): void => {
      if (looking) return void (again = true);
      looking = true;
      void this.follow(rt)
        .catch((err: unknown) => log.warn({ err }, "reading the event's actors failed; trying again"))
        .finally(() => {
          looking = false;
          if (again) {
            again = false;
            followSoon();
          }
        });
    };
    const market = new Market(eventId, ev.run, {
      retryMs: Math.max(this.tickMs, 100),
      fence,
      onRoster: (roster) => {
        if (roster !== seenRoster) followSoon();
        seenRoster = roster;
      },
      onHalt: (status) => {
        if (this.runtimes.get(eventId)?.market === market) {
          this.runtimes.delete(eventId);
          abort.abort();
          if (status === "LEASE_LOST") log.warn("another instance holds the lease now: stopped driving");
          if (fence) void this.letGo(eventId, fence);
        }
      },
      onError: (err) => {
        log.error({ err }, "batch failed; retrying");
        if (errorLogged) return;
        errorLogged = true;
        const message = `A batch failed and is retried: ${(err as Error).message}`;
        void db()
          .$transaction(async (tx) => {
            const locked = await lockEvent(tx, eventId); // log rows are written under the event's lock (see lead)
            if (locked) await appendLogs(tx, [logRow({ eventId, run: locked.run }, locked, { kind: "ERROR", actor: "system", message })]);
          })
          .catch(() => undefined);
      },
    });
    this.stats.set(eventId, market.totals);
    const rt: Runtime = { eventId, run: ev.run, market, abort, fence, actors: new Map(), defaults: { ticketReleaseRate: ev.ticketReleaseRate, customerRetrievalRate: ev.customerRetrievalRate } };
    this.runtimes.set(eventId, rt);
    // Up to when the sale has been driven, for whoever drives it next (a catch-up in on-demand mode).
    const heartbeat = setInterval(() => {
      void db()
        .$executeRawUnsafe("UPDATE Event SET advancedAt = NOW(3) WHERE id = ? AND run = ? AND status = 'RUNNING' AND driverInstance = ?", eventId, ev.run, instanceId())
        .catch(() => undefined);
    }, HEARTBEAT_MS);
    heartbeat.unref?.();
    abort.signal.addEventListener("abort", () => clearInterval(heartbeat), { once: true });
    if (this.mode === "on-demand" && fence) await this.catchUp(rt).catch((err: unknown) => log.warn({ err }, "catching up failed; the sale goes on from now"));
    else await db().$executeRawUnsafe("UPDATE Event SET advancedAt = NOW(3) WHERE id = ?", eventId);
    if (rt.abort.signal.aborted) return;
    await this.follow(rt); // the active actors' loops start here, as any later change is followed
    market.nudge();
    // Pause, resume, add and remove may land on another instance: the next batch sees the
    // event's roster counter move and the actor rows are followed then; a slow timer backs it up.
    const follow = setInterval(() => followSoon(), FOLLOW_MS);
    abort.signal.addEventListener("abort", () => clearInterval(follow), { once: true });
  }

  /**
   * On-demand: nobody drove the sale since Event.advancedAt (instances were frozen or gone).
   * What the rates allowed for that time is released and sold now, capped as the pool would
   * have capped it (lib/engine/catch-up.ts), in rounds of at most CATCH_UP_ROUND tickets, and
   * logged as a catch-up. The pool checks every round as it checks any batch.
   */
  private async catchUp(rt: Runtime): Promise<void> {
    type Row = { gapMs: number | null; totalTickets: number; maxTicketCapacity: number; released: number; sold: number; available: number };
    const [ev] = await db().$queryRawUnsafe<Row[]>(
      "SELECT TIMESTAMPDIFF(MICROSECOND, advancedAt, NOW(3)) / 1000 AS gapMs, totalTickets, maxTicketCapacity, released, sold, available FROM Event WHERE id = ? AND run = ? AND status = 'RUNNING'",
      rt.eventId,
      rt.run,
    );
    await db().$executeRawUnsafe("UPDATE Event SET advancedAt = NOW(3) WHERE id = ?", rt.eventId);
    const gapMs = Number(ev?.gapMs ?? 0);
    if (!ev || !(gapMs >= CATCH_UP_MIN_MS)) return;
    type Actor = { id: number; name: string; vip: number | boolean; rate: number | null };
    const [vendors, customers] = await Promise.all([
      db().$queryRawUnsafe<Actor[]>("SELECT id, name, 0 AS vip, ticketReleaseRate AS rate FROM Vendor WHERE eventId = ? AND removedAt IS NULL AND NOT paused AND state <> 'DONE' ORDER BY id", rt.eventId),
      db().$queryRawUnsafe<Actor[]>("SELECT id, name, vip, customerRetrievalRate AS rate FROM Customer WHERE eventId = ? AND removedAt IS NULL AND NOT paused AND state <> 'DONE' ORDER BY id", rt.eventId),
    ]);
    const rate = (a: Actor, fallback: number) => (a.rate === null ? fallback : Number(a.rate));
    const plan = planCatchUp({
      gapMs,
      totalTickets: Number(ev.totalTickets),
      maxTicketCapacity: Number(ev.maxTicketCapacity),
      released: Number(ev.released),
      sold: Number(ev.sold),
      available: Number(ev.available),
      vendors: vendors.map((v) => ({ id: Number(v.id), rate: rate(v, rt.defaults.ticketReleaseRate) })),
      customers: customers.map((c) => ({ id: Number(c.id), rate: rate(c, rt.defaults.customerRetrievalRate) })),
    });
    const byId = <T extends Actor>(rows: T[]) => new Map(rows.map((r) => [Number(r.id), r]));
    const vendorOf = byId(vendors);
    const customerOf = byId(customers);
    const rounds = catchUpRounds(plan, CATCH_UP_ROUND);
    let released = 0;
    let sold = 0;
    for (const round of rounds) {
      if (rt.abort.signal.aborted) break;
      const work: Promise<void>[] = [
        ...round.releases.map(async (r) => {
          const v = vendorOf.get(r.id)!;
          const outcome = await rt.market.release({ id: r.id, name: v.name }, r.tickets);
          released += outcome.released;
        }),
        ...round.buys.map(async (b) => {
          const c = customerOf.get(b.id)!;
          const outcome = await rt.market.buy({ id: b.id, name: c.name, vip: Boolean(Number(c.vip)) }, b.tickets);
          sold += outcome.ticketIds.length;
        }),
      ];
      const settled = Promise.all(work).then(() => true);
      const pause = new AbortController();
      const finished = await Promise.race([settled, sleep(CATCH_UP_ROUND_MS, pause.signal).then(() => false)]);
      pause.abort();
      if (!finished) break; // the rest is served as the loops go on
    }
    const seconds = (gapMs / 1000).toFixed(1);
    const message = `${instanceId()} caught up ${seconds} s that nobody drove: released ${count(released)} and sold ${count(sold)} of the ${count(plan.released)} and ${count(plan.sold)} the rates allowed, in ${rounds.length} round${rounds.length === 1 ? "" : "s"}`;
    logger().info({ eventId: rt.eventId, run: rt.run, gapMs, released, sold, rounds: rounds.length }, "caught up a sale nobody drove");
    await db().$transaction(async (tx) => {
      const locked = await lockEvent(tx, rt.eventId);
      if (locked && locked.run === rt.run) await appendLogs(tx, [logRow({ eventId: rt.eventId, run: rt.run }, locked, { kind: "CATCH_UP", actor: "system", message })]);
    });
  }

  /** Starts the loops of actors active in the database but not running here, and stops those paused or removed (wherever that was done). */
  private async follow(rt: Runtime): Promise<void> {
    type Row = { id: number; name: string; vip: number | boolean; paused: number | boolean; removed: number | boolean; rate: number | null };
    const [vendors, customers] = await Promise.all([
      db().$queryRawUnsafe<Row[]>("SELECT id, name, 0 AS vip, paused, removedAt IS NOT NULL AS removed, ticketReleaseRate AS rate FROM Vendor WHERE eventId = ? ORDER BY id", rt.eventId),
      db().$queryRawUnsafe<Row[]>("SELECT id, name, vip, paused, removedAt IS NOT NULL AS removed, customerRetrievalRate AS rate FROM Customer WHERE eventId = ? ORDER BY id", rt.eventId),
    ]);
    if (rt.abort.signal.aborted) return;
    for (const [kind, rows] of [["vendor", vendors], ["customer", customers]] as const) {
      for (const r of rows) {
        const active = !Number(r.paused) && !Number(r.removed);
        const running = rt.actors.has(`${kind}:${r.id}`);
        if (active && !running) this.startLoop(rt, { kind, id: Number(r.id), name: r.name, vip: Boolean(Number(r.vip)), rate: r.rate === null ? null : Number(r.rate) });
        else if (!active && running) await this.removeActor(rt.eventId, kind, Number(r.id));
      }
    }
  }
}

export function engine(): Engine {
  return singleton("engine", () => new Engine(env().ENGINE_TICK_MS, env().ENGINE_MODE));
}
