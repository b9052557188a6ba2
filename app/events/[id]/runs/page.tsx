import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { LocalTime } from "@/app/_components/local-time";
import type { Analytics } from "@/lib/contracts/analytics";
import type { RunSummary } from "@/lib/contracts/history";
import { formatCount, formatDuration, formatRate } from "@/lib/contracts/format";
import { runAnalytics } from "@/lib/history/analytics";
import { runSummaries } from "@/lib/history/runs";
import "../history.css";
import { HistoryNav } from "../_history/history-nav";
import { runParam } from "../_history/run-param";
import { loadEvent } from "../load-event";
import { RunOverlay } from "./run-overlay";

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const event = await loadEvent((await params).id);
  return { title: `Runs · ${event.name}` };
}

const when = (iso: string | null): ReactNode => (iso ? <LocalTime at={iso} /> : "—");
const ms = (v: number | null) => (v === null ? "—" : formatDuration(v));
const rate = (v: number | null) => (v === null ? "—" : `${formatRate(v)} tickets/s`);

const signed = (v: number | null) => (v === null ? "—" : `${v >= 0 ? "+" : "−"}${formatDuration(Math.abs(v))}`);
const forecastErrors = (errors: (number | null)[]) => (errors.length ? errors.map(signed).join(" / ") : "—");

/** The rows of the comparison table: a label and how to show a run's value. */
const FIELDS: [string, (r: RunSummary) => ReactNode][] = [
  ["Started", (r) => when(r.startedAt)],
  ["Ended", (r) => when(r.endedAt)],
  ["Duration", (r) => ms(r.durationMs)],
  ["Time to sell out", (r) => ms(r.timeToSellOutMs)],
  ["Released / sold", (r) => `${formatCount(r.released)} / ${formatCount(r.sold)}`],
  ["Average sale rate", (r) => rate(r.averageSaleRate)],
  ["Peak sale rate (1 s)", (r) => rate(r.peakSaleRate)],
  ["VIP waits: served, median / p95", (r) => `${formatCount(r.waits.vip.served)}, ${ms(r.waits.vip.medianMs)} / ${ms(r.waits.vip.p95Ms)}`],
  ["Regular waits: served, median / p95", (r) => `${formatCount(r.waits.regular.served)}, ${ms(r.waits.regular.medianMs)} / ${ms(r.waits.regular.p95Ms)}`],
  ["Vendors / customers", (r) => `${formatCount(r.actors.vendors)} / ${formatCount(r.actors.customers)}`],
  ["Configuration", (r) => (r.config ? `${formatCount(r.config.totalTickets)} tickets, pool ${formatCount(r.config.maxTicketCapacity)}, ${formatRate(r.config.ticketReleaseRate)} / ${formatRate(r.config.customerRetrievalRate)} tickets/s, ${r.config.vendors} vendors, ${r.config.customers} customers (${r.config.vipCustomers} VIP)` : "not recorded")],
  ["Forecast error at 25 / 50 / 75 % sold: average rate since the start", (r) => forecastErrors(r.forecast.map((f) => f.errorMs))],
  ["Forecast error at 25 / 50 / 75 % sold: rate of the last 15 s", (r) => forecastErrors(r.forecast.map((f) => f.recentErrorMs))],
];

export default async function RunsPage({ params, searchParams }: Props) {
  const event = await loadEvent((await params).id);
  const sp = await searchParams;
  const runs = await runSummaries(event.id);
  const pick = (v: number | undefined, fallback: number) => (v !== undefined && v <= event.run ? v : fallback);
  const a = pick(runParam(sp.a), Math.max(1, event.run - 1));
  const b = pick(runParam(sp.b), event.run);
  const [ra, rb] = [runs.find((r) => r.run === a)!, runs.find((r) => r.run === b)!];
  const [aa, ab]: Analytics[] = await Promise.all([runAnalytics(event.id, a), runAnalytics(event.id, b)]);
  return (
    <div className="history-page">
      <header className="history-header">
        <HistoryNav eventId={event.id} current="runs" />
        <h1>Runs · {event.name}</h1>
        <p className="muted">Every reset starts a new run; each run&apos;s tickets, purchases and log are kept. Summaries are computed from those rows.</p>
      </header>
      <section className="card" style={{ padding: "1rem" }} aria-labelledby="runs-title">
        <h2 id="runs-title">All runs</h2>
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Runs">
          <table className="data-table runs-table" data-testid="runs-table">
            <thead>
              <tr>
                <th scope="col">Run</th>
                <th scope="col">Started</th>
                <th scope="col">Duration</th>
                <th scope="col">Sold</th>
                <th scope="col">Time to sell out</th>
                <th scope="col">Average / peak sale rate</th>
                <th scope="col">Median wait VIP / regular</th>
                <th scope="col">Actors</th>
                <th scope="col">Charts</th>
              </tr>
            </thead>
            <tbody>
              {[...runs].reverse().map((r) => (
                <tr key={r.run}>
                  <th scope="row">
                    {r.run}
                    {r.current ? " (current)" : ""}
                  </th>
                  <td>{when(r.startedAt)}</td>
                  <td className="num">{ms(r.durationMs)}</td>
                  <td className="num">{formatCount(r.sold)}</td>
                  <td className="num">{ms(r.timeToSellOutMs)}</td>
                  <td className="num">
                    {rate(r.averageSaleRate)} / {rate(r.peakSaleRate)}
                  </td>
                  <td className="num">
                    {ms(r.waits.vip.medianMs)} / {ms(r.waits.regular.medianMs)}
                  </td>
                  <td className="num">
                    {formatCount(r.actors.vendors)} vendors, {formatCount(r.actors.customers)} customers
                  </td>
                  <td>
                    <Link href={`/events/${event.id}/analytics?run=${r.run}`}>Analytics of run {r.run}</Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section className="card" style={{ padding: "1rem" }} aria-labelledby="compare-title">
        <h2 id="compare-title">Compare two runs</h2>
        <form className="run-picker" method="get">
          {(["a", "b"] as const).map((k) => (
            <span key={k} className="field">
              <label htmlFor={`cmp-${k}`}>{k === "a" ? "First run" : "Second run"}</label>
              <select id={`cmp-${k}`} name={k} defaultValue={String(k === "a" ? a : b)}>
                {runs.map((r) => (
                  <option key={r.run} value={r.run}>
                    Run {r.run}
                  </option>
                ))}
              </select>
            </span>
          ))}
          <button className="button button-small" type="submit">
            Compare
          </button>
        </form>
        <div className="table-scroll" tabIndex={0} role="region" aria-label={`Run ${a} and run ${b} side by side`}>
          <table className="data-table" data-testid="compare-table">
            <thead>
              <tr>
                <th scope="col">Measure</th>
                <th scope="col">Run {a}</th>
                <th scope="col">Run {b}</th>
              </tr>
            </thead>
            <tbody>
              {FIELDS.map(([label, show]) => (
                <tr key={label}>
                  <th scope="row">{label}</th>
                  <td>{show(ra)}</td>
                  <td>{show(rb)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <RunOverlay a={aa} b={ab} />
      </section>
    </div>
  );
}
