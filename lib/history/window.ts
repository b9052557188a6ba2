import "server-only";
import type { RunConfig } from "@/lib/contracts/history";
import { readRows } from "@/lib/db/read";
import type { HistoryEvent } from "./scope";

// When each run of an event started and ended, from its control log rows (found through the
// (eventId, kind, id) index, a few rows per run) and the configuration recorded at its start.

export type RunWindow = {
  run: number;
  startedAt: Date | null;
  endedAt: Date | null;
  soldOutAt: Date | null;
  config: RunConfig | null;
};

type Mark = { run: number; kind: string; first: Date; last: Date };

export async function runWindows(ev: HistoryEvent, only?: number): Promise<RunWindow[]> {
  const runFilter = only !== undefined ? " AND run IN (?, ?)" : "";
  const runValues = only !== undefined ? [only, only + 1] : [];
  const [marks, configs] = await Promise.all([
    readRows<Mark>(
      `SELECT run, kind, MIN(createdAt) AS first, MAX(createdAt) AS last FROM EventLog WHERE eventId = ? AND kind IN ('STARTED', 'STOPPED', 'SOLD_OUT', 'RESET')${runFilter} GROUP BY run, kind`,
      [ev.id, ...runValues],
    ),
    readRows<RunConfig & { run: number; startedAt: Date }>(
      `SELECT run, startedAt, totalTickets, maxTicketCapacity, ticketReleaseRate, customerRetrievalRate, vendors, customers, vipCustomers FROM EventRun WHERE eventId = ?${runFilter}`,
      [ev.id, ...runValues],
    ),
  ]);
  const mark = (run: number, kind: string) => marks.find((m) => m.run === run && m.kind === kind);
  const runs = only !== undefined ? [only] : Array.from({ length: ev.run }, (_, i) => i + 1);
  return runs.map((run) => {
    const cfg = configs.find((c) => c.run === run);
    const startedAt = cfg?.startedAt ?? mark(run, "STARTED")?.first ?? null;
    const soldOutAt = mark(run, "SOLD_OUT")?.first ?? null;
    const over = run < ev.run || ev.status !== "RUNNING";
    // A run that did not sell out ended when it was last stopped, or else when the next run began.
    const endedAt = soldOutAt ?? (over ? (mark(run, "STOPPED")?.last ?? mark(run + 1, "RESET")?.first ?? null) : null);
    const config = cfg
      ? { totalTickets: cfg.totalTickets, maxTicketCapacity: cfg.maxTicketCapacity, ticketReleaseRate: cfg.ticketReleaseRate, customerRetrievalRate: cfg.customerRetrievalRate, vendors: cfg.vendors, customers: cfg.customers, vipCustomers: cfg.vipCustomers }
      : null;
    return { run, startedAt, endedAt: startedAt ? endedAt : null, soldOutAt, config };
  });
}
