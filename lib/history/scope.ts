import "server-only";
import { AppError } from "@/lib/contracts/errors";
import { readRows } from "@/lib/db/read";

// The event (and run) a history request is about, or a 404 naming what does not exist.

export type HistoryEvent = {
  id: number;
  name: string;
  status: "IDLE" | "RUNNING" | "STOPPED" | "SOLD_OUT";
  run: number;
  totalTickets: number;
  maxTicketCapacity: number;
  released: number;
  sold: number;
  available: number;
};

export async function historyEvent(eventId: number, run?: number): Promise<HistoryEvent> {
  const [ev] = await readRows<HistoryEvent>(
    "SELECT id, name, status, run, totalTickets, maxTicketCapacity, released, sold, available FROM Event WHERE id = ?",
    [eventId],
  );
  if (!ev) throw new AppError("not_found", `There is no event with id ${eventId}`);
  if (run !== undefined && run > ev.run) {
    throw new AppError("not_found", `Event ${eventId} has no run ${run}: its runs are 1 to ${ev.run}`, { field: "run" });
  }
  return ev;
}
