import Link from "next/link";

export default function EventNotFound() {
  return (
    <section className="card error-panel">
      <h1>No such event</h1>
      <p>There is no event at this address. It may have a different number, or the link is mistyped.</p>
      <p>
        <Link href="/">← Back to all events</Link>
      </p>
    </section>
  );
}
