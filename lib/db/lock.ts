import "server-only";
import { AppError } from "@/lib/contracts/errors";
import type { Sql } from "./sql";

// The event row is the lock of everything that changes a sale: pool batches, joins, control,
// roster changes. Locking it FOR UPDATE first, in every such transaction, serialises them across
// every process on the database, and is the one lock order there is (event row, then the rest).

export type LockedEvent = {
  status: string;
  run: number;
  totalTickets: number;
  maxTicketCapacity: number;
  released: number;
  sold: number;
  available: number;
  /** Tickets held by checkout holds. */
  held: number;
  holdSeconds: number;
  /** Simulated customers' holds (issue 18, part 3): the chance they abandon one, and the seconds before they confirm. */
  holdAbandonPercent: number;
  holdConfirmSeconds: number;
  maxTicketsPerBuyer: number | null;
  /** Raised by every change of the event's actors (bumpRoster). */
  roster: number;
};

export async function lockEvent(tx: Sql, eventId: number): Promise<LockedEvent | null> {
  const rows = await tx.$queryRawUnsafe<LockedEvent[]>(
    "SELECT status, run, totalTickets, maxTicketCapacity, released, sold, available, held, holdSeconds, holdAbandonPercent, holdConfirmSeconds, maxTicketsPerBuyer, roster FROM Event WHERE id = ? FOR UPDATE",
    eventId,
  );
  return rows[0] ?? null;
}

/** lockEvent for operations on an event that must exist: an unknown id is a 404. */
export async function lockEventOrThrow(tx: Sql, eventId: number): Promise<LockedEvent> {
  const ev = await lockEvent(tx, eventId);
  if (!ev) throw new AppError("not_found", `There is no event with id ${eventId}`);
  return ev;
}

/** Says that the event's actors changed (paused, resumed, added, removed): its driver follows the rows at its next batch. */
export async function bumpRoster(tx: Sql, eventId: number): Promise<void> {
  await tx.$executeRawUnsafe("UPDATE Event SET roster = roster + 1 WHERE id = ?", eventId);
}
