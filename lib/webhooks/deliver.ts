import "server-only";
import { db } from "@/lib/db/client";
import { env } from "@/lib/platform/env";
import { logger } from "@/lib/platform/logger";
import { singleton } from "@/lib/platform/singleton";
import type { Target } from "./address";
import { nextRetryDelay } from "./schedule";
import { send, type AttemptResult } from "./send";

// The delivery worker: claims due deliveries with FOR UPDATE SKIP LOCKED (so several instances
// share the work and never take the same row), marks them in flight for LEASE_MS, sends them
// outside any transaction, then records the outcome — fenced by the attempt number it claimed,
// so a worker that lost its lease (frozen, killed, cut off) cannot overwrite a newer attempt.
// A worker killed mid-send leaves its rows in flight until the lease ends; then another sends
// them again with the same webhook-id: at least once, duplicates only by id.
//
// Order: per endpoint, only the oldest PENDING delivery (by outbox id, which follows the
// event's sequence) is ever attempted. A failing delivery holds the later ones of that endpoint
// back until it is delivered or given up (FAILED after the last retry, about 3 days), then they
// go in order. A disabled endpoint is not attempted; its pending deliveries wait for it to be
// enabled again. Runs in background mode on a timer (WEBHOOK_POLL_MS), on demand when a
// request for an event comes and on the cron call.

/** How long a claimed delivery belongs to its worker: the send's 10 s limit and room to record it. */
const LEASE_MS = 20_000;
const CLAIM = 10;
/** One pass stops claiming after this long (the cron waits for its pass). */
const PASS_MS = 20_000;

type Claimed = { id: bigint; endpointId: number; eventId: number; attempts: number; payload: string; url: string; secret: string };

export function webhookIdOf(eventId: number, deliveryId: bigint | string): string {
  return `msg_${eventId}_${deliveryId}`;
}

export function sendTarget(): Target {
  return { allowPrivate: env().WEBHOOK_ALLOW_PRIVATE, appPorts: [env().PORT], appHosts: [] };
}

async function claim(limit: number): Promise<Claimed[]> {
  const now = new Date();
  const until = new Date(now.getTime() + LEASE_MS);
  const rows = await db().$transaction(async (tx) => {
    const due = await tx.$queryRawUnsafe<{ id: bigint; endpointId: number; eventId: number; attempts: number; payload: string }[]>(
      `SELECT d.id, d.endpointId, d.eventId, d.attempts, d.payload FROM WebhookDelivery d
       WHERE d.status = 'PENDING' AND d.nextAttemptAt <= ? AND (d.inFlightUntil IS NULL OR d.inFlightUntil <= ?)
         AND d.endpointId IN (SELECT id FROM WebhookEndpoint WHERE disabledAt IS NULL)
         AND NOT EXISTS (SELECT 1 FROM WebhookDelivery o WHERE o.endpointId = d.endpointId AND o.status = 'PENDING' AND o.id < d.id)
       ORDER BY d.nextAttemptAt, d.id LIMIT ${Number(limit)} FOR UPDATE SKIP LOCKED`,
      now,
      now,
    );
    if (due.length === 0) return [];
    await tx.$executeRawUnsafe(`UPDATE WebhookDelivery SET attempts = attempts + 1, inFlightUntil = ?, lastAttemptAt = ? WHERE id IN (${due.map(() => "?").join(",")})`, until, now, ...due.map((d) => d.id));
    return due.map((d) => ({ ...d, id: BigInt(d.id), endpointId: Number(d.endpointId), eventId: Number(d.eventId), attempts: Number(d.attempts) + 1 }));
  });
  if (rows.length === 0) return [];
  const endpoints = await db().webhookEndpoint.findMany({ where: { id: { in: [...new Set(rows.map((r) => r.endpointId))] } }, select: { id: true, url: true, secret: true } });
  const byId = new Map(endpoints.map((e) => [e.id, e]));
  return rows.flatMap((r) => {
    const e = byId.get(r.endpointId);
    return e ? [{ ...r, url: e.url, secret: e.secret }] : [];
  });
}

async function record(d: Claimed, r: AttemptResult): Promise<"delivered" | "retry" | "failed" | "gone"> {
  const now = new Date();
  const fence = "id = ? AND attempts = ? AND status = 'PENDING'";
  if (r.ok) {
    await db().$executeRawUnsafe(`UPDATE WebhookDelivery SET status = 'DELIVERED', deliveredAt = ?, lastStatus = ?, lastError = NULL, inFlightUntil = NULL WHERE ${fence}`, now, r.status, d.id, d.attempts);
    return "delivered";
  }
  if (r.status === 410) {
    await db().$transaction(async (tx) => {
      await tx.$executeRawUnsafe(`UPDATE WebhookDelivery SET status = 'FAILED', lastStatus = 410, lastError = ?, inFlightUntil = NULL WHERE ${fence}`, "answered 410 Gone: the endpoint was disabled", d.id, d.attempts);
      await tx.$executeRawUnsafe("UPDATE WebhookEndpoint SET disabledAt = ?, disabledReason = ? WHERE id = ? AND disabledAt IS NULL", now, `answered 410 Gone at ${now.toISOString()}`, d.endpointId);
    });
    return "gone";
  }
  const delay = nextRetryDelay(d.attempts, env().WEBHOOK_RETRY_SCALE);
  if (delay === null) {
    await db().$executeRawUnsafe(`UPDATE WebhookDelivery SET status = 'FAILED', lastStatus = ?, lastError = ?, inFlightUntil = NULL WHERE ${fence}`, r.status, r.error, d.id, d.attempts);
    return "failed";
  }
  await db().$executeRawUnsafe(`UPDATE WebhookDelivery SET nextAttemptAt = ?, lastStatus = ?, lastError = ?, inFlightUntil = NULL WHERE ${fence}`, new Date(now.getTime() + delay), r.status, r.error, d.id, d.attempts);
  return "retry";
}

export type PassResult = { attempted: number; delivered: number; failed: number };

async function pass(budgetMs: number): Promise<PassResult> {
  const out: PassResult = { attempted: 0, delivered: 0, failed: 0 };
  const until = Date.now() + budgetMs;
  const target = sendTarget();
  while (Date.now() < until) {
    const batch = await claim(CLAIM);
    if (batch.length === 0) break;
    await Promise.all(
      batch.map(async (d) => {
        const r = await send({ url: d.url, secret: d.secret, webhookId: webhookIdOf(d.eventId, d.id), payload: d.payload }, target);
        const outcome = await record(d, r);
        out.attempted++;
        if (outcome === "delivered") out.delivered++;
        else out.failed++;
        if (outcome !== "delivered") logger().info({ component: "webhooks", eventId: d.eventId, delivery: String(d.id), attempt: d.attempts, status: r.status, error: r.error, outcome }, "webhook delivery failed");
      }),
    );
  }
  return out;
}

type Worker = { running: Promise<PassResult> | null; timer: NodeJS.Timeout | null; kickedAt: number };
const worker = () => singleton<Worker>("webhook-worker", () => ({ running: null, timer: null, kickedAt: 0 }));

/** Sends what is due now, one pass per process at a time (a second call shares the pass in progress). */
export function deliverDue(budgetMs = PASS_MS): Promise<PassResult> {
  const w = worker();
  w.running ??= pass(budgetMs)
    .catch((err: unknown) => {
      logger().warn({ err, component: "webhooks" }, "a webhook delivery pass failed; the next one tries again");
      return { attempted: 0, delivered: 0, failed: 0 };
    })
    .finally(() => (w.running = null));
  return w.running;
}

/** Background mode: a pass every WEBHOOK_POLL_MS. */
export function startDeliveryWorker(): void {
  const w = worker();
  if (w.timer) return;
  w.timer = setInterval(() => void deliverDue(), env().WEBHOOK_POLL_MS);
  w.timer.unref();
}

export function stopDeliveryWorker(): void {
  const w = worker();
  if (w.timer) clearInterval(w.timer);
  w.timer = null;
}

/** On demand: a request came, so send what is due (at most one start every half second; never waits, never throws). */
export function kickDeliveries(): void {
  const w = worker();
  if (Date.now() - w.kickedAt < 500) return;
  w.kickedAt = Date.now();
  void deliverDue();
}
