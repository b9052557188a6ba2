import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { singleton } from "./singleton";

// The process's Prometheus metrics (GET /api/metrics), one registry per process on the
// singleton registry (a `next dev` reload must not register every metric twice). Layers record
// what they measure here — a batch, a query, a served purchase, an open stream — and the
// endpoint fills the per-event gauges from the database just before it answers, so that every
// instance reports the same, global, numbers for an event.

function create() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const seconds = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
  return {
    registry,
    released: new Gauge({ name: "ticketing_tickets_released", help: "Tickets released in the event's current run", labelNames: ["event"], registers: [registry] }),
    sold: new Gauge({ name: "ticketing_tickets_sold", help: "Tickets sold in the event's current run", labelNames: ["event"], registers: [registry] }),
    pool: new Gauge({ name: "ticketing_pool_tickets", help: "Tickets in the event's pool now (released, not sold)", labelNames: ["event"], registers: [registry] }),
    capacity: new Gauge({ name: "ticketing_pool_capacity_tickets", help: "The event's maxTicketCapacity", labelNames: ["event"], registers: [registry] }),
    queue: new Gauge({ name: "ticketing_queue_depth", help: "Purchases waiting in the event's queue, per class", labelNames: ["event", "class"], registers: [registry] }),
    sseClients: new Gauge({ name: "ticketing_sse_clients", help: "Live streams open on this process", registers: [registry] }),
    purchaseWait: new Histogram({ name: "ticketing_purchase_wait_seconds", help: "From joining the queue to holding the tickets, per served purchase (served by this process)", labelNames: ["class"], buckets: [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300], registers: [registry] }),
    batch: new Histogram({ name: "ticketing_batch_duration_seconds", help: "One pool batch transaction, from BEGIN to COMMIT", buckets: seconds, registers: [registry] }),
    conflictRetries: new Counter({ name: "ticketing_conflict_retries_total", help: "Transactions run again after a deadlock or a Galera certification failure (1213) or a node not ready (1047), per kind of transaction", labelNames: ["what"], registers: [registry] }),
    query: new Histogram({ name: "ticketing_db_query_seconds", help: "One SQL statement on the app's mysql2 pools (hot: pool batches and joins; read: history, exports, audit)", labelNames: ["pool"], buckets: seconds, registers: [registry] }),
  };
}

export type Metrics = ReturnType<typeof create>;

export function metrics(): Metrics {
  return singleton("metrics", create);
}

/** Times one statement on a mysql2 pool. */
export function timeQuery(pool: "hot" | "read"): () => void {
  return metrics().query.startTimer({ pool });
}
