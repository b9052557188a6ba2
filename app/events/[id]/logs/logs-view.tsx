"use client";

import { usePathname, useRouter } from "next/navigation";
import { useCallback, useState, type FormEvent, type UIEvent } from "react";
import type { LogPage } from "@/lib/contracts/history";
import { LOG_KINDS, type LogEntry } from "@/lib/contracts/log";
import { formatCount } from "@/lib/contracts/format";
import { useLiveRefresh } from "../_history/use-live-refresh";

// The searchable log: filters in the URL (shareable), pages by cursor (keyset on the server) as
// the list is scrolled, a virtualised list (only the rows in view are in the DOM, so a
// hundred thousand loaded rows scroll as one page does), and a live tail that adds new rows at
// the top while "Follow new rows" is on.

const ROW_PX = 40;
const OVERSCAN = 10;
const VIEW_PX = 560;
/** Loaded rows at most: past this the tail drops the oldest rows it holds (the pages still reach them). */
const MAX_ROWS = 200_000;

type Filters = Record<string, string>;

/** A datetime-local value (the browser's time zone) as an ISO time, and back. */
const toIso = (local: string) => (local ? new Date(local).toISOString() : "");
const toLocal = (iso: string | undefined) => {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
};

export function LogsView({ eventId, currentRun, filters, first, problem, running }: { eventId: number; currentRun: number; filters: Filters; first: LogPage; problem: string | null; running: boolean }) {
  const router = useRouter();
  const pathname = usePathname();
  const [rows, setRows] = useState<LogEntry[]>(first.entries);
  const [cursor, setCursor] = useState(first.nextCursor);
  const [tail, setTail] = useState(first.tailCursor ?? null);
  const [follow, setFollow] = useState(running);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(problem);
  const [scrollTop, setScrollTop] = useState(0);
  const base = new URLSearchParams(filters);

  const fetchPage = useCallback(
    async (extra: Record<string, string>): Promise<LogPage> => {
      const q = new URLSearchParams({ ...filters, ...extra });
      const res = await fetch(`/api/events/${eventId}/logs?${q}`, { cache: "no-store" });
      const body = (await res.json()) as LogPage & { error?: { message: string } };
      if (!res.ok) throw new Error(body.error?.message ?? `HTTP ${res.status}`);
      return body;
    },
    [eventId, filters],
  );

  const loadOlder = async () => {
    if (!cursor || loading) return;
    setLoading(true);
    try {
      // A rare filter may take several short requests to find a page's worth (each looks at a
      // bounded stretch of the log); keep asking, a few times per scroll.
      let next: string | null = cursor;
      let found = 0;
      for (let round = 0; round < 10 && next && found < 100; round++) {
        const page = await fetchPage({ cursor: next, limit: "500" });
        found += page.entries.length;
        if (page.entries.length) setRows((r) => [...r, ...page.entries]);
        next = page.nextCursor;
      }
      setCursor(next);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setLoading(false);
    }
  };

  const pullNew = useCallback(async () => {
    if (!tail) return;
    try {
      let next: string | null = tail;
      for (let round = 0; round < 5 && next; round++) {
        const page = await fetchPage({ cursor: next, order: "asc", limit: "1000" });
        next = page.nextCursor;
        const newest = [...page.entries].reverse();
        if (newest.length) setRows((r) => [...newest, ...r].slice(0, MAX_ROWS));
        setTail(next);
        if (!page.hasMore) break;
      }
    } catch (err) {
      setError((err as Error).message);
    }
  }, [tail, fetchPage]);
  useLiveRefresh(eventId, follow && tail !== null, pullNew, 500);

  const onScroll = (e: UIEvent<HTMLDivElement>) => {
    const el = e.currentTarget;
    setScrollTop(el.scrollTop);
    if (el.scrollTop + el.clientHeight > el.scrollHeight - ROW_PX * 20) void loadOlder();
  };

  const apply = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const q = new URLSearchParams();
    for (const k of ["kind", "actor", "vip", "run", "text"]) {
      const v = String(form.get(k) ?? "").trim();
      if (v) q.set(k, v);
    }
    for (const k of ["from", "to"]) {
      const v = toIso(String(form.get(k) ?? ""));
      if (v) q.set(k, v);
    }
    router.push(`${pathname}${q.size ? `?${q}` : ""}`);
  };

  const firstRow = Math.max(0, Math.floor(scrollTop / ROW_PX) - OVERSCAN);
  const lastRow = Math.min(rows.length, Math.ceil((scrollTop + VIEW_PX) / ROW_PX) + OVERSCAN);
  const runs = Array.from({ length: currentRun }, (_, i) => currentRun - i);

  return (
    <>
      <form className="log-filters card" onSubmit={apply} aria-label="Log filters" style={{ padding: "1rem" }}>
        <div className="field">
          <label htmlFor="f-kind">Kind</label>
          <select id="f-kind" name="kind" defaultValue={base.get("kind") ?? ""}>
            <option value="">any</option>
            {LOG_KINDS.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-actor">Actor (exact name)</label>
          <input id="f-actor" name="actor" defaultValue={base.get("actor") ?? ""} maxLength={140} />
        </div>
        <div className="field">
          <label htmlFor="f-vip">VIP</label>
          <select id="f-vip" name="vip" defaultValue={base.get("vip") ?? ""}>
            <option value="">any</option>
            <option value="true">VIP only</option>
            <option value="false">regular only</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-run">Run</label>
          <select id="f-run" name="run" defaultValue={base.get("run") ?? ""}>
            <option value="">all runs</option>
            {runs.map((r) => (
              <option key={r} value={r}>
                Run {r}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-from">From (your time)</label>
          <input id="f-from" name="from" type="datetime-local" step="1" defaultValue={toLocal(base.get("from") ?? undefined)} />
        </div>
        <div className="field">
          <label htmlFor="f-to">To (your time)</label>
          <input id="f-to" name="to" type="datetime-local" step="1" defaultValue={toLocal(base.get("to") ?? undefined)} />
        </div>
        <div className="field">
          <label htmlFor="f-text">Text in the message</label>
          <input id="f-text" name="text" defaultValue={base.get("text") ?? ""} maxLength={200} />
        </div>
        <button className="button button-primary" type="submit">
          Apply filters
        </button>
        <button className="button" type="button" onClick={() => router.push(pathname)}>
          Clear
        </button>
      </form>
      <div className="pager">
        <label className="checkbox">
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} disabled={tail === null} /> Follow new rows (live tail)
        </label>
        <span className="muted" role="status" aria-live="polite" data-testid="log-count">
          {formatCount(rows.length)} rows loaded{cursor ? (rows.length ? ", scroll for older" : ", none yet among the newest rows searched") : ", all loaded"}
          {loading ? " · loading…" : ""}
        </span>
        {cursor && (
          <button className="button button-small" type="button" onClick={() => void loadOlder()} disabled={loading}>
            Load older rows
          </button>
        )}
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {rows.length === 0 && !cursor ? (
        <div className="empty-state card">
          <p className="empty-title">No log rows match</p>
          <p className="muted">Change or clear the filters.</p>
        </div>
      ) : (
        <div className="log-viewport" style={{ height: VIEW_PX }} onScroll={onScroll} tabIndex={0} role="region" aria-label="Log rows, newest first" data-testid="log-viewport">
          <div style={{ height: rows.length * ROW_PX }} role="list">
            {rows.slice(firstRow, lastRow).map((r, i) => (
              <div key={r.id} role="listitem" className={`log-line log-${r.kind.toLowerCase().replace(/_/g, "-")}${r.vip ? " log-vip" : ""}`} style={{ top: (firstRow + i) * ROW_PX, height: ROW_PX }} data-id={r.id}>
                <time dateTime={r.at} title={r.at}>
                  {new Date(r.at).toLocaleTimeString()}
                </time>
                <span className="log-kind">{r.kind}</span>
                <span className="log-actor">
                  {r.actor}
                  {r.vip ? " (VIP)" : ""}
                </span>
                <span className="log-text">
                  <span className="muted log-meta-prefix">#{r.id} · run {r.run} · </span>
                  {r.message}
                </span>
              </div>
            ))}
          </div>
        </div>
      )}
    </>
  );
}
