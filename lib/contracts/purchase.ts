// Public shapes of purchases and queue statistics, shared by the API and the pages.
/** HELD and EXPIRED happen only to checkout holds ("mode": "hold"): HELD → COMPLETED (confirmed), CANCELLED (released) or EXPIRED. */
export type PurchaseStatus = "QUEUED" | "COMPLETED" | "SOLD_OUT" | "CANCELLED" | "HELD" | "EXPIRED";

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
  /** Only on checkout holds (an immediate sale's shape is DESIGN §6's, unchanged). */
  mode?: "hold";
  /** Until when a hold's tickets are held (set once HELD). */
  holdExpiresAt?: string | null;
  /** The hold's secret, only in the answer to the request that made it: confirm and cancel require it. */
  holdToken?: string;
};

export type WaitStats = { waiting: number; served: number; medianMs: number | null; p95Ms: number | null };
