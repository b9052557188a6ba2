import "server-only";
import type { WebhookEventType } from "@/lib/contracts/webhook";
import { literal } from "@/lib/db/literal";
import type { Sql } from "@/lib/db/sql";

// The webhook outbox: a change that webhooks report writes its delivery rows in its own
// transaction, so a message exists exactly when its change committed — none lost, none
// invented. One statement per call, whatever the number of messages and endpoints: an
// INSERT … SELECT that fans the messages out to the event's enabled endpoints that subscribe
// to each type (nothing at all is written for an event without endpoints). Rows go in in
// the messages' order, so outbox ids follow the event's sequence on every endpoint.

/** One message: its type, what happened, and when (the `timestamp` of the Standard Webhooks payload). */
export type WebhookMessage = { type: WebhookEventType; data: Record<string, unknown>; at: Date };

/** Messages per statement: keeps one INSERT well under max_allowed_packet. */
const CHUNK = 200;

/** The JSON body receivers get: `{ type, timestamp, data }`, as Standard Webhooks suggests. */
export function payloadOf(m: WebhookMessage): string {
  return JSON.stringify({ type: m.type, timestamp: m.at.toISOString(), data: m.data });
}

/** Writes the deliveries of `messages` for the event's subscribed endpoints; call it inside the change's transaction. */
export async function enqueueWebhooks(tx: Pick<Sql, "$executeRawUnsafe">, eventId: number, messages: WebhookMessage[], now = new Date()): Promise<void> {
  for (let i = 0; i < messages.length; i += CHUNK) {
    const rows = messages
      .slice(i, i + CHUNK)
      .map((m, k) => (k === 0 ? `SELECT ${i + k} AS seq, ${literal(m.type)} AS type, ${literal(payloadOf(m))} AS payload` : `SELECT ${i + k}, ${literal(m.type)}, ${literal(payloadOf(m))}`))
      .join(" UNION ALL ");
    await tx.$executeRawUnsafe(
      `INSERT INTO WebhookDelivery (endpointId, eventId, type, payload, status, attempts, nextAttemptAt, createdAt) ` +
        `SELECT e.id, ${literal(eventId)}, m.type, m.payload, 'PENDING', 0, ${literal(now)}, ${literal(now)} ` +
        `FROM WebhookEndpoint e JOIN (${rows}) m ON FIND_IN_SET(m.type, e.events) > 0 ` +
        `WHERE e.eventId = ${literal(eventId)} AND e.disabledAt IS NULL ORDER BY m.seq, e.id`,
    );
  }
}
