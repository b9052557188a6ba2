import "server-only";
import { setMaxListeners } from "node:events";
import type { ActorKind } from "@/lib/contracts/event";
import { db } from "@/lib/db/client";
import { appendLogs, logRow } from "@/lib/log/append";
import { env } from "@/lib/platform/env";
import { logger } from "@/lib/platform/logger";
import { singleton } from "@/lib/platform/singleton";
import { Market } from "@/lib/pool/market";
import { cancelQueuedPurchases } from "@/lib/purchases/ledger";
import { runActor } from "./actor-loop";

// One engine per process, a process singleton so that a hot reload in `next dev` never starts a
// second one. It drives the simulated vendors and customers of every RUNNING event this
// process has been asked to run; the database decides what is true (status, counters), and
// the engine halts an event's actors as soon as a batch finds it no longer RUNNING.

type ActorLoop = { abort: AbortController; done: Promise<void> };

type Runtime = {
  eventId: number;
  run: number;
  market: Market;
  abort: AbortController;
  actors: Map<string, ActorLoop>;
  defaults: { ticketReleaseRate: number; customerRetrievalRate: number };
};

/** A vendor or customer to drive; `rate` is its own tickets/s, or null for the event's default. */
export type ActorRow = { kind: ActorKind; id: number; name: string; vip: boolean; rate: number | null };

export class Engine {
  private readonly runtimes = new Map<number, Runtime>();
  private readonly pending = new Map<number, Promise<void>>();
  private readonly stats = new Map<number, { released: number; sold: number; batches: number }>();

  constructor(private readonly tickMs: number) {}

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

  /** Starts the actors of a RUNNING event in this process, if they are not running here already. */
  drive(eventId: number): Promise<void> {
    const inFlight = this.pending.get(eventId);
    if (inFlight) return inFlight;
    const p = this.spawn(eventId).finally(() => this.pending.delete(eventId));
    this.pending.set(eventId, p);
    return p;
  }

  /** Stops the event's actors here and waits until the batch in flight has committed. */
  async halt(eventId: number): Promise<void> {
    await this.pending.get(eventId);
    const rt = this.runtimes.get(eventId);
    if (!rt) return;
    this.runtimes.delete(eventId);
    rt.abort.abort();
    rt.market.halt();
    await Promise.allSettled([...rt.actors.values()].map((a) => a.done));
    await rt.market.idle();
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

  /** After a restart: every event the database says is RUNNING is driven again. */
  async resumeRunning(): Promise<number[]> {
    const events = await db().event.findMany({ where: { status: "RUNNING" }, select: { id: true, run: true, released: true, sold: true, available: true } });
    for (const ev of events) {
      if (this.runtimes.has(ev.id)) continue;
      // Simulated requests died with the old process; real buyers' purchases keep their place.
      await cancelQueuedPurchases(db(), { eventId: ev.id, run: ev.run, simulatedOnly: true });
      await appendLogs(db(), [logRow({ eventId: ev.id, run: ev.run }, ev, { kind: "RESUMED", actor: "system", message: "The engine resumed this run after a restart" })]);
      await this.drive(ev.id);
    }
    return events.map((e) => e.id);
  }

  async shutdown(): Promise<void> {
    await Promise.all([...this.runtimes.keys()].map((id) => this.halt(id)));
  }

  private async spawn(eventId: number): Promise<void> {
    const ev = await db().event.findUnique({
      where: { id: eventId },
      include: { vendors: { where: { removedAt: null, paused: false }, orderBy: { id: "asc" } }, customers: { where: { removedAt: null, paused: false }, orderBy: { id: "asc" } } },
    });
    if (!ev || ev.status !== "RUNNING") return;
    const current = this.runtimes.get(eventId);
    if (current && current.run === ev.run) return;
    if (current) await this.halt(eventId);

    const abort = new AbortController();
    setMaxListeners(0, abort.signal); // every sleeping actor listens for the halt
    let errorLogged = false;
    const log = logger().child({ eventId, run: ev.run });
    const market = new Market(eventId, ev.run, {
      retryMs: Math.max(this.tickMs, 100),
      onHalt: () => {
        if (this.runtimes.get(eventId)?.market === market) {
          this.runtimes.delete(eventId);
          abort.abort();
        }
      },
      onError: (err) => {
        log.error({ err }, "batch failed; retrying");
        if (errorLogged) return;
        errorLogged = true;
        const message = `A batch failed and is retried: ${(err as Error).message}`;
        void appendLogs(db(), [logRow({ eventId, run: ev.run }, { released: 0, sold: 0, available: 0 }, { kind: "ERROR", actor: "system", message })]).catch(() => undefined);
      },
    });
    this.stats.set(eventId, market.totals);
    const rt: Runtime = { eventId, run: ev.run, market, abort, actors: new Map(), defaults: { ticketReleaseRate: ev.ticketReleaseRate, customerRetrievalRate: ev.customerRetrievalRate } };
    this.runtimes.set(eventId, rt);
    for (const v of ev.vendors) this.startLoop(rt, { kind: "vendor", id: v.id, name: v.name, vip: false, rate: v.ticketReleaseRate });
    for (const c of ev.customers) this.startLoop(rt, { kind: "customer", id: c.id, name: c.name, vip: c.vip, rate: c.customerRetrievalRate });
    market.nudge();
  }
}

export function engine(): Engine {
  return singleton("engine", () => new Engine(env().ENGINE_TICK_MS));
}
