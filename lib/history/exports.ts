import "server-only";
import type { PurchaseRecord, TicketRecord } from "@/lib/contracts/history";
import { streamRows } from "@/lib/db/read";
import { historyEvent } from "./scope";

// Every ticket and every purchase of an event (or of one run), streamed from a cursor over the
// result set in the order of an index — tickets in release order, purchases in completion order
// (still queued first), ties by id — so an export of a million rows neither sorts on the
// server nor holds the rows in this process.

type TicketRow = Omit<TicketRecord, "releasedAt" | "soldAt" | "vip"> & { releasedAt: Date; soldAt: Date | null; vip: number | null };
type PurchaseRow = Omit<PurchaseRecord, "requestedAt" | "completedAt" | "vip"> & { requestedAt: Date; completedAt: Date | null; vip: number };

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export async function ticketExport(eventId: number, run?: number): Promise<AsyncGenerator<TicketRecord>> {
  await historyEvent(eventId, run);
  async function* rows(): AsyncGenerator<TicketRecord> {
    const sql = `SELECT t.id, t.run, t.vendorId, v.name AS vendor, t.releasedAt, p.publicId AS purchaseId, t.buyer, p.vip, t.soldAt
      FROM Ticket t LEFT JOIN Vendor v ON v.id = t.vendorId LEFT JOIN Purchase p ON p.id = t.purchaseId
      WHERE t.eventId = ?${run !== undefined ? " AND t.run = ?" : ""} ORDER BY t.run, t.releasedAt, t.id`;
    for await (const r of streamRows<TicketRow>(sql, run !== undefined ? [eventId, run] : [eventId])) {
      yield { id: r.id, run: r.run, vendorId: r.vendorId, vendor: r.vendor, releasedAt: r.releasedAt.toISOString(), purchaseId: r.purchaseId, buyer: r.buyer, vip: r.vip === null ? null : Boolean(r.vip), soldAt: iso(r.soldAt) };
    }
  }
  return rows();
}

export async function purchaseExport(eventId: number, run?: number): Promise<AsyncGenerator<PurchaseRecord>> {
  await historyEvent(eventId, run);
  async function* rows(): AsyncGenerator<PurchaseRecord> {
    // The ticket count is one probe of Ticket's purchaseId index per purchase row.
    const sql = `SELECT p.publicId AS purchaseId, p.run, p.buyer, p.vip, p.quantity, (SELECT COUNT(*) FROM Ticket t WHERE t.purchaseId = p.id) AS tickets,
        p.source, p.status, p.requestedAt, p.completedAt, p.waitMs
      FROM Purchase p WHERE p.eventId = ?${run !== undefined ? " AND p.run = ?" : ""} ORDER BY p.run, p.completedAt, p.id`;
    for await (const r of streamRows<PurchaseRow>(sql, run !== undefined ? [eventId, run] : [eventId])) {
      yield { ...r, vip: Boolean(r.vip), tickets: Number(r.tickets), requestedAt: r.requestedAt.toISOString(), completedAt: iso(r.completedAt) };
    }
  }
  return rows();
}
