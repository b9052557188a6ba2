import type { EventView } from "@/lib/contracts/event";
import type { WaitStats } from "@/lib/contracts/purchase";
import { formatCount, formatDuration } from "@/lib/contracts/format";

// The VIP lane, measured: how many wait in each lane now, and how long those served waited —
// from joining the queue to holding the tickets (the run's latest 1,000 purchases per lane).

const LANES = [
  { id: "vip", title: "VIP lane" },
  { id: "regular", title: "Regular lane" },
] as const;

export function QueueStats({ waitStats }: { waitStats: EventView["waitStats"] }) {
  return (
    <section className="card queue" aria-labelledby="queue-heading">
      <div className="section-head">
        <h2 id="queue-heading">Queue</h2>
        <p className="muted">Wait from joining the line to holding the tickets</p>
      </div>
      <div className="lanes">
        {LANES.map((lane) => (
          <Lane key={lane.id} id={lane.id} title={lane.title} stats={waitStats[lane.id]} />
        ))}
      </div>
    </section>
  );
}

function Lane({ id, title, stats }: { id: "vip" | "regular"; title: string; stats: WaitStats }) {
  const items = [
    { key: "waiting", label: "Waiting", value: formatCount(stats.waiting), unit: "in line" },
    { key: "served", label: "Served", value: formatCount(stats.served), unit: stats.served === 1 ? "purchase" : "purchases" },
    { key: "median", label: "Median wait", value: wait(stats.medianMs) },
    { key: "p95", label: "95th percentile wait", value: wait(stats.p95Ms) },
  ];
  return (
    <div className={`lane lane-${id}`} data-testid={`queue-${id}`}>
      <h3>
        {id === "vip" ? (
          <span className="badge badge-vip" aria-hidden="true">
            VIP
          </span>
        ) : null}{" "}
        {title}
      </h3>
      <dl className="lane-stats">
        {items.map((item) => (
          <div key={item.key} className="lane-stat">
            <dt>{item.label}</dt>
            <dd data-testid={`queue-${id}-${item.key}`}>
              {item.value}
              {item.unit && item.value !== "—" ? <span className="unit"> {item.unit}</span> : null}
            </dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

function wait(ms: number | null): string {
  return ms === null ? "—" : formatDuration(ms);
}
