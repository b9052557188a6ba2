// Public shapes of purchases and queue statistics, shared by the API and the pages.
export type PurchaseStatus = "QUEUED" | "COMPLETED" | "SOLD_OUT" | "CANCELLED";

export type PurchaseView = {
  purchaseId: string;
  eventId: number;
  buyer: string;
  vip: boolean;
  quantity: number;
  status: PurchaseStatus;
  ticketIds: number[];
  requestedAt: string;
  completedAt: string | null;
  /** 1-based place in the serving order while QUEUED (VIPs first, then by arrival). */
  position: number | null;
  /** From joining the queue to holding the tickets, once COMPLETED. */
  waitedMs: number | null;
};

export type WaitStats = { waiting: number; served: number; medianMs: number | null; p95Ms: number | null };
