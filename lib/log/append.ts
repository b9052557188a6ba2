import "server-only";
import { valuesList } from "@/lib/db/literal";
import type { Sql } from "@/lib/db/sql";
import type { LogEntry, LogKind } from "@/lib/contracts/log";

// The event log is the outbox: every change appends its rows in the same transaction as the
// change itself, so the log never says what the database does not hold.

export type LogRow = {
  eventId: number;
  run: number;
  kind: LogKind;
  actor: string;
  vip?: boolean;
  /** A move's tickets: the event's tickets with ids from ticketId to lastTicketId, `tickets` of them. */
  ticketId?: bigint | null;
  lastTicketId?: bigint | null;
  tickets?: number;
  message: string;
  released: number;
  sold: number;
  available: number;
  /** Tickets held by checkout holds (0 when the event has none). */
  held?: number;
  at: Date;
};

type Counters = { released: number; sold: number; available: number; held?: number };

/** A log row stamped with the pool's counters as they stand after the change it records. */
export function logRow(where: { eventId: number; run: number }, counters: Counters, row: Pick<LogRow, "kind" | "actor" | "message"> & Partial<Pick<LogRow, "vip" | "ticketId" | "at">>): LogRow {
  return { eventId: where.eventId, run: where.run, released: counters.released, sold: counters.sold, available: counters.available, held: counters.held ?? 0, at: new Date(), ...row };
}

const CHUNK = 500;

/**
 * Appends rows to the event log; call it inside the transaction of the change it records,
 * which holds the event's row lock (lockEvent).
 *
 * Each row gets the next number of its event's log sequence (`seq`): the event's `logSeq` is
 * raised by the rows' count and the rows take the numbers it passed over, all in this
 * transaction. The event's row stays locked until COMMIT, so the next writer numbers after
 * these only once they are committed: per event, seq runs 1, 2, 3 … with no gap, in commit
 * order — on a cluster too, where ids have gaps and commit out of id order (a conflicting
 * write on another node fails at COMMIT and is retried). The feed follows seq, not id.
 *
 * Nothing is read back: the numbers pass through a session variable, so the statements also
 * go as they are through a deferred writer (lib/db/sql.ts), in the batch's one round trip.
 */
export async function appendLogs(tx: Pick<Sql, "$executeRawUnsafe">, rows: LogRow[]): Promise<void> {
  const byEvent = new Map<number, LogRow[]>();
  for (const r of rows) {
    if (!Number.isSafeInteger(r.eventId)) throw new Error(`Not an event id: ${r.eventId}`);
    const list = byEvent.get(r.eventId);
    if (list) list.push(r);
    else byEvent.set(r.eventId, [r]);
  }
  for (const [eventId, list] of byEvent) {
    // An event that is not there leaves @log_seq NULL, and the INSERT fails (seq is NOT NULL).
    await tx.$executeRawUnsafe(`UPDATE Event SET logSeq = logSeq + ${list.length} WHERE id = ${eventId}`);
    await tx.$executeRawUnsafe(`SET @log_seq = (SELECT logSeq - ${list.length} FROM Event WHERE id = ${eventId})`);
    for (let i = 0; i < list.length; i += CHUNK) {
      const values = list
        .slice(i, i + CHUNK)
        .map((r, j) => `${valuesList([[r.eventId, r.run, r.kind, r.actor.slice(0, 140), r.vip ? 1 : 0, r.ticketId ?? null, r.lastTicketId ?? r.ticketId ?? null, r.tickets ?? 0, r.message.slice(0, 500), r.released, r.sold, r.available, r.held ?? 0, r.at]]).slice(0, -1)},@log_seq+${i + j + 1})`)
        .join(",");
      await tx.$executeRawUnsafe(`INSERT INTO EventLog (eventId, run, kind, actor, vip, ticketId, lastTicketId, tickets, message, released, sold, available, held, createdAt, seq) VALUES ${values}`);
    }
  }
}

type LogRecord = {
  id: bigint;
  seq: bigint;
  run: number;
  kind: string;
  actor: string;
  vip: boolean;
  ticketId: bigint | null;
  lastTicketId: bigint | null;
  tickets: number;
  message: string;
  released: number;
  sold: number;
  available: number;
  createdAt: Date;
};

export function toLogEntry(r: LogRecord): LogEntry {
  return {
    id: r.id.toString(),
    seq: r.seq.toString(),
    run: r.run,
    kind: r.kind as LogKind,
    actor: r.actor,
    vip: Boolean(r.vip),
    ticketId: r.ticketId === null ? null : r.ticketId.toString(),
    lastTicketId: r.lastTicketId === null ? null : r.lastTicketId.toString(),
    tickets: r.tickets,
    message: r.message,
    released: r.released,
    sold: r.sold,
    available: r.available,
    at: r.createdAt.toISOString(),
  };
}
