"use client";

export default function HomeError({ retry }: { error: unknown; retry: () => void }) {
  return (
    <section className="card error-panel" role="alert">
      <h1>The event list could not be loaded</h1>
      <p>The database may be unavailable for a moment. Nothing was changed.</p>
      <button type="button" className="button" onClick={() => retry()}>
        Try again
      </button>
    </section>
  );
}
