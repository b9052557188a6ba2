"use client";

import Link from "next/link";

export default function EventError({ retry }: { error: unknown; retry: () => void }) {
  return (
    <section className="card error-panel" role="alert">
      <h1>This event could not be loaded</h1>
      <p>The database may be unavailable for a moment. Nothing was changed.</p>
      <div className="error-actions">
        <button type="button" className="button" onClick={() => retry()}>
          Try again
        </button>
        <Link href="/">← All events</Link>
      </div>
    </section>
  );
}
