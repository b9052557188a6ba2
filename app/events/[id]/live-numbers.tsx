import type { CSSProperties } from "react";
import type { EventView } from "@/lib/contracts/event";
import { formatCount, formatPercent } from "@/lib/contracts/format";

// The row of big numbers, the sell-out bar under them and the pool gauge.

export function LiveNumbers({ event }: { event: EventView }) {
  const stats = [
    { id: "released", label: "Released", value: event.released, note: `of ${formatCount(event.totalTickets)} tickets` },
    { id: "sold", label: "Sold", value: event.sold, note: "tickets" },
    { id: "available", label: "Available", value: event.available, note: "tickets in the pool" },
    { id: "held", label: "Held", value: event.held ?? 0, note: "tickets in checkout holds" },
    { id: "waiting-vip", label: "Waiting VIP", value: event.waiting.vip, note: "customers" },
    { id: "waiting-regular", label: "Waiting regular", value: event.waiting.regular, note: "customers" },
  ];
  return (
    <section className="card numbers" aria-label="Live numbers">
      <dl className="stats">
        {stats.map((s) => (
          <div key={s.id} className={`stat stat-${s.id}`}>
            <dt>{s.label}</dt>
            <dd>
              <StatValue id={s.id} text={formatCount(s.value)} />
              <span className="stat-note">{s.note}</span>
            </dd>
          </div>
        ))}
      </dl>
      <SellOutBar sold={event.sold} total={event.totalTickets} />
      <PoolGauge available={event.available} capacity={event.maxTicketCapacity} />
    </section>
  );
}

function StatValue({ id, text }: { id: string; text: string }) {
  // The font shrinks with the number's length so that "1,000,000" fits the card it is in.
  return (
    <span className="stat-value" data-testid={`stat-${id}`} style={{ "--chars": Math.max(text.length, 4) } as CSSProperties}>
      {text}
    </span>
  );
}

function SellOutBar({ sold, total }: { sold: number; total: number }) {
  const text = `${formatCount(sold)} of ${formatCount(total)} sold (${formatPercent(sold, total)})`;
  const width = total > 0 ? Math.min(100, (sold / total) * 100) : 0;
  return (
    <div className="gauge">
      <div className="gauge-head">
        <span className="gauge-title" id="sellout-label">
          Sell-out
        </span>
        <span className="gauge-text" data-testid="sellout-text">
          {text}
        </span>
      </div>
      <div
        className="bar"
        role="progressbar"
        aria-labelledby="sellout-label"
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={sold}
        aria-valuetext={text}
        data-testid="sellout-progress"
      >
        <div className="bar-fill bar-fill-sold" style={{ width: `${width}%` }} />
      </div>
    </div>
  );
}

type PoolLevel = { id: "empty" | "low" | "filling" | "high" | "full"; label: string };

function poolLevel(available: number, capacity: number): PoolLevel {
  if (available <= 0) return { id: "empty", label: "empty" };
  if (available >= capacity) return { id: "full", label: "full — vendors wait" };
  const share = available / capacity;
  if (share < 0.4) return { id: "low", label: "low" };
  if (share < 0.75) return { id: "filling", label: "filling" };
  return { id: "high", label: "nearly full" };
}

function PoolGauge({ available, capacity }: { available: number; capacity: number }) {
  const level = poolLevel(available, capacity);
  const text = `${formatCount(available)} / ${formatCount(capacity)} in pool`;
  const width = capacity > 0 ? Math.min(100, (available / capacity) * 100) : 0;
  return (
    <div className={`gauge pool pool-${level.id}`}>
      <div className="gauge-head">
        <span className="gauge-title" id="pool-label">
          Pool
        </span>
        <span className="gauge-text" data-testid="pool-text">
          {text} <span className="pool-level">· {level.label}</span>
        </span>
      </div>
      <div
        className="bar"
        role="meter"
        aria-labelledby="pool-label"
        aria-valuemin={0}
        aria-valuemax={capacity}
        aria-valuenow={available}
        aria-valuetext={`${text}, ${level.label}`}
        data-testid="pool-gauge"
      >
        <div className="bar-fill bar-fill-pool" style={{ width: `${width}%` }} />
      </div>
    </div>
  );
}
