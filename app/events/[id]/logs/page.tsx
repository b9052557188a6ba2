import type { Metadata } from "next";
import { isAppError } from "@/lib/contracts/errors";
import { fieldErrors } from "@/lib/contracts/event-input";
import { logQuerySchema, type LogPage } from "@/lib/contracts/history";
import { logPage } from "@/lib/history/logs";
import "../history.css";
import { Downloads } from "../_history/downloads";
import { HistoryNav } from "../_history/history-nav";
import { loadEvent } from "../load-event";
import { LogsView } from "./logs-view";

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const event = await loadEvent((await params).id);
  return { title: `Logs · ${event.name}` };
}

const FILTERS = ["kind", "actor", "vip", "run", "from", "to", "text"] as const;

export default async function LogsPage({ params, searchParams }: Props) {
  const event = await loadEvent((await params).id);
  const sp = await searchParams;
  // The filters live in the URL; only they are taken from it (a page size or cursor is the view's own business).
  const filters: Record<string, string> = {};
  for (const k of FILTERS) if (typeof sp[k] === "string" && sp[k] !== "") filters[k] = sp[k] as string;
  const parsed = logQuerySchema.safeParse({ ...filters, limit: "200" });
  let first: LogPage = { entries: [], nextCursor: null, hasMore: false };
  let problem: string | null = null;
  if (!parsed.success) problem = Object.values(fieldErrors(parsed.error))[0] ?? "These filters are not valid";
  else {
    try {
      first = await logPage(event.id, parsed.data);
    } catch (err) {
      if (!isAppError(err) || err.status >= 500) throw err;
      problem = err.message;
    }
  }
  const query = new URLSearchParams(filters).toString();
  return (
    <div className="history-page">
      <header className="history-header">
        <HistoryNav eventId={event.id} current="logs" />
        <h1>Logs · {event.name}</h1>
        <Downloads eventId={event.id} run={parsed.success ? parsed.data.run : undefined} />
      </header>
      <LogsView key={query} eventId={event.id} currentRun={event.run} filters={filters} first={first} problem={problem} running={event.status === "RUNNING"} />
    </div>
  );
}
