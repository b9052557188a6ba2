import "server-only";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { LogEntry, LogKind } from "./log-kinds";

export type LogRow = {
  eventId: number;
  run: number;
  kind: LogKind;
  actor: string;
  vip?: boolean;
  ticketId?: bigint | null;
  message: string;
  released: number;
  sold: number;
  available: number;
  at: Date;
};

type Sql = Pick<Prisma.TransactionClient, "$executeRawUnsafe">;

const CHUNK = 500;

/** Appends rows to the event log; call it inside the transaction of the change it records. */
export async function appendLogs(tx: Sql, rows: LogRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    const params: unknown[] = [];
    for (const r of chunk) {
      params.push(r.eventId, r.run, r.kind, r.actor.slice(0, 140), r.vip ?? false, r.ticketId ?? null, r.message.slice(0, 500), r.released, r.sold, r.available, r.at);
    }
    await tx.$executeRawUnsafe(
      `INSERT INTO EventLog (eventId, run, kind, actor, vip, ticketId, message, released, sold, available, createdAt) VALUES ${chunk
        .map(() => "(?,?,?,?,?,?,?,?,?,?,?)")
        .join(",")}`,
      ...params,
    );
  }
}

type LogRecord = {
  id: bigint;
  run: number;
  kind: string;
  actor: string;
  vip: boolean;
  ticketId: bigint | null;
  message: string;
  released: number;
  sold: number;
  available: number;
  createdAt: Date;
};

export function toLogEntry(r: LogRecord): LogEntry {
  return {
    id: r.id.toString(),
    run: r.run,
    kind: r.kind as LogKind,
    actor: r.actor,
    vip: Boolean(r.vip),
    ticketId: r.ticketId === null ? null : r.ticketId.toString(),
    message: r.message,
    released: r.released,
    sold: r.sold,
    available: r.available,
    at: r.createdAt.toISOString(),
  };
}
