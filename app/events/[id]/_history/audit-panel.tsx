"use client";

import { useState } from "react";
import type { AuditReport } from "@/lib/contracts/history";

// The "Audit" button: the report `npm run audit` prints, for the run shown, checked from the
// database rows when pressed (GET /api/events/{id}/audit).

export function AuditPanel({ eventId, run }: { eventId: number; run: number }) {
  const [report, setReport] = useState<AuditReport | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const audit = async () => {
    setBusy(true);
    setProblem(null);
    try {
      const res = await fetch(`/api/events/${eventId}/audit?run=${run}`, { cache: "no-store" });
      const body = (await res.json()) as AuditReport & { error?: { message: string } };
      if (!res.ok) throw new Error(body.error?.message ?? `HTTP ${res.status}`);
      setReport(body);
    } catch (err) {
      setProblem(`The audit could not run: ${(err as Error).message}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card audit-report" aria-labelledby={`audit-${run}`}>
      <div className="section-head">
        <h2 id={`audit-${run}`}>Audit of run {run}</h2>
        <button type="button" className="button button-small" onClick={audit} disabled={busy}>
          {busy ? "Auditing…" : "Audit"}
        </button>
      </div>
      <div role="status" aria-live="polite">
        {problem && <p className="field-error">{problem}</p>}
        {report && (
          <>
            <p data-testid="audit-verdict">
              <strong>{report.ok ? "Passed" : "Failed"}</strong>: {report.checks.filter((c) => c.ok).length} of {report.checks.length} checks hold ({new Date(report.checkedAt).toLocaleTimeString()}).
            </p>
            <ul>
              {report.checks.map((c) => (
                <li key={c.name} className={c.ok ? "audit-ok" : "audit-fail"}>
                  <span className="visually-hidden">{c.ok ? "holds: " : "violated: "}</span>
                  <strong>{c.name}</strong> — {c.detail}
                  {c.examples && <span className="muted"> (e.g. {c.examples.join(", ")})</span>}
                </li>
              ))}
            </ul>
          </>
        )}
      </div>
    </section>
  );
}
