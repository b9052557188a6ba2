import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { hasCode } from "@/lib/contracts/errors";
import { formatCount } from "@/lib/contracts/format";
import { runAnalytics } from "@/lib/history/analytics";
import "../history.css";
import { Downloads } from "../_history/downloads";
import { HistoryNav } from "../_history/history-nav";
import { runParam } from "../_history/run-param";
import { loadEvent } from "../load-event";
import { AnalyticsView } from "./analytics-view";

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const event = await loadEvent((await params).id);
  return { title: `Analytics · ${event.name}` };
}

export default async function AnalyticsPage({ params, searchParams }: Props) {
  const event = await loadEvent((await params).id);
  const run = runParam((await searchParams).run) ?? event.run;
  const analytics = await runAnalytics(event.id, run).catch((err: unknown) => {
    if (hasCode(err, "not_found")) notFound();
    throw err;
  });
  const runs = Array.from({ length: event.run }, (_, i) => event.run - i);
  return (
    <div className="history-page">
      <header className="history-header">
        <HistoryNav eventId={event.id} current="analytics" />
        <h1>Analytics · {event.name}</h1>
        <form className="run-picker" method="get">
          <label htmlFor="run">Run</label>
          <select id="run" name="run" defaultValue={String(run)}>
            {runs.map((r) => (
              <option key={r} value={r}>
                Run {formatCount(r)}
                {r === event.run ? " (current)" : ""}
              </option>
            ))}
          </select>
          <button className="button button-small" type="submit">
            Show
          </button>
        </form>
        <Downloads eventId={event.id} run={run} />
      </header>
      <AnalyticsView key={run} initial={analytics} liveRun={run === event.run && event.status !== "SOLD_OUT"} />
    </div>
  );
}
