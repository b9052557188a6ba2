import "server-only";
import { formatCount as count } from "@/lib/contracts/format";
import type { AuditCheck, AuditReport } from "@/lib/contracts/history";
import { readSnapshot } from "@/lib/db/read";
import { historyEvent } from "./scope";

// The audit of one run: every invariant of DESIGN §4 checked again from the rows alone — the
// Ticket, Purchase, EventLog and Event rows — in one consistent snapshot, sharing no code with
// the pool that wrote them. Each check says what it found, with a few offending ids.

const EXAMPLES = 5;

const num = (v: unknown) => Number(v ?? 0);

export async function auditRun(eventId: number, run?: number): Promise<AuditReport> {
  const ev0 = await historyEvent(eventId, run);
  const r = run ?? ev0.run;
  return readSnapshot(async (read) => {
    const [ev] = await read<{ status: string; run: number; totalTickets: number; maxTicketCapacity: number; released: number; sold: number; available: number; held: number }>(
      "SELECT status, run, totalTickets, maxTicketCapacity, released, sold, available, held FROM Event WHERE id = ?",
      [eventId],
    );
    const [cfg] = await read<{ totalTickets: number; maxTicketCapacity: number }>("SELECT totalTickets, maxTicketCapacity FROM EventRun WHERE eventId = ? AND run = ?", [eventId, r]);
    const total = cfg?.totalTickets ?? ev.totalTickets;
    const capacity = cfg?.maxTicketCapacity ?? ev.maxTicketCapacity;
    const checks: AuditCheck[] = [];
    const check = (name: string, ok: boolean, detail: string, examples?: unknown[]) =>
      checks.push({ name, ok, detail, ...(examples?.length ? { examples: examples.slice(0, EXAMPLES).map(String) } : {}) });
    const ids = async (sql: string, values: unknown[]) => (await read<{ id: unknown }>(`${sql} LIMIT ${EXAMPLES}`, values)).map((x) => x.id);
    const where = [eventId, r];

    // 1. Counters equal the ticket rows.
    // A held ticket (checkout hold) names its purchase but is not sold yet.
    const [t] = await read<{ released: number; sold: number; held: number }>(
      "SELECT COUNT(*) AS released, COUNT(soldAt) AS sold, COALESCE(SUM(soldAt IS NULL AND purchaseId IS NOT NULL), 0) AS held FROM Ticket WHERE eventId = ? AND run = ?",
      where,
    );
    const released = num(t.released);
    const sold = num(t.sold);
    const heldNow = num(t.held);
    const [lastLog] = await read<{ released: number; sold: number; available: number; held: number }>("SELECT released, sold, available, held FROM EventLog WHERE eventId = ? AND run = ? ORDER BY seq DESC LIMIT 1", where);
    if (r === ev.run) {
      const ok = ev.released === released && ev.sold === sold && ev.held === heldNow && ev.available === released - sold - heldNow;
      check("counters equal the ticket rows", ok, `event counters released ${count(ev.released)}, sold ${count(ev.sold)}, held ${count(ev.held)}, available ${count(ev.available)}; ticket rows: ${count(released)} released, ${count(sold)} sold, ${count(heldNow)} held, ${count(released - sold - heldNow)} available`);
    }
    if (lastLog) {
      const ok = lastLog.released === released && lastLog.sold === sold && num(lastLog.held) === heldNow && lastLog.available === released - sold - heldNow;
      check("the last log row's counters equal the ticket rows", ok, `last log row: released ${count(lastLog.released)}, sold ${count(lastLog.sold)}, held ${count(num(lastLog.held))}, available ${count(lastLog.available)}; ticket rows: ${count(released)} released, ${count(sold)} sold, ${count(heldNow)} held`);
    }

    // 2. Bounds: released ≤ total; every recorded state within 0 … capacity and sold + available = released.
    const badStates = await ids(
      "SELECT id FROM EventLog WHERE eventId = ? AND run = ? AND (available < 0 OR held < 0 OR available + held > ? OR released > ? OR sold + held + available <> released) ORDER BY id",
      [...where, capacity, total],
    );
    check("released never above the total", released <= total, `${count(released)} tickets released of ${count(total)}`);
    check("every logged state within the bounds", badStates.length === 0, badStates.length ? "log rows record a pool outside 0 … capacity, or counters that do not add up" : `every log row: 0 ≤ available + held ≤ ${count(capacity)}, released ≤ ${count(total)}, sold + held + available = released`, badStates);

    // 3. Released before sold; sold at most once, to one buyer, through one of the run's purchases.
    const early = await ids("SELECT id FROM Ticket WHERE eventId = ? AND run = ? AND soldAt < releasedAt ORDER BY id", where);
    check("every ticket released before it was sold", early.length === 0, early.length ? "tickets sold before their release" : "no ticket sold before its release", early);
    const ownerless = await ids(
      `SELECT t.id FROM Ticket t LEFT JOIN Purchase p ON p.id = t.purchaseId
        WHERE t.eventId = ? AND t.run = ? AND (
          (t.soldAt IS NOT NULL AND (t.buyer IS NULL OR p.id IS NULL OR p.eventId <> t.eventId OR p.run <> t.run OR p.buyer <> t.buyer OR p.status IN ('CANCELLED', 'EXPIRED', 'HELD')))
          OR (t.soldAt IS NULL AND t.purchaseId IS NULL AND t.buyer IS NOT NULL)
          OR (t.soldAt IS NULL AND t.purchaseId IS NOT NULL AND (p.id IS NULL OR p.status <> 'HELD' OR p.buyer <> t.buyer OR p.run <> t.run)))
        ORDER BY t.id`,
      where,
    );
    check("every sold ticket has one buyer and one purchase", ownerless.length === 0, ownerless.length ? "sold tickets without a matching buyer and purchase, held tickets outside a HELD purchase of their buyer, or available tickets with a buyer" : "every sold ticket names its buyer and a purchase of this run by that buyer; every held ticket a HELD purchase of its buyer", ownerless);
    const [logged] = await read<{ released: number; sold: number }>("SELECT SUM(IF(kind = 'RELEASED', tickets, 0)) AS released, SUM(IF(kind IN ('SOLD', 'CONFIRMED'), tickets, 0)) AS sold FROM EventLog WHERE eventId = ? AND run = ? AND kind IN ('RELEASED', 'SOLD', 'CONFIRMED')", where);
    const overlaps = await ids(
      `SELECT id FROM (SELECT id, ticketId, LAG(lastTicketId) OVER (ORDER BY ticketId, id) AS prev FROM EventLog WHERE eventId = ? AND run = ? AND kind IN ('SOLD', 'CONFIRMED') AND ticketId IS NOT NULL) moves
        WHERE ticketId <= prev ORDER BY id`,
      where,
    );
    check(
      "every sale recorded once",
      num(logged.sold) === sold && num(logged.released) === released && overlaps.length === 0,
      `the log's moves: ${count(num(logged.released))} released, ${count(num(logged.sold))} sold (ticket rows: ${count(released)}, ${count(sold)})${overlaps.length ? "; sale rows cover the same tickets twice" : ""}`,
      overlaps,
    );

    // 4. Each COMPLETED purchase holds exactly its quantity; the others hold less (a real buyer's, nothing).
    const held = await read<{ id: string; n: number }>(
      `SELECT p.publicId AS id, COUNT(t.id) AS n FROM Purchase p LEFT JOIN Ticket t ON t.purchaseId = p.id
        WHERE p.eventId = ? AND p.run = ? GROUP BY p.id, p.publicId, p.quantity, p.status, p.source
        HAVING (p.status IN ('COMPLETED', 'HELD') AND COUNT(t.id) <> p.quantity) OR (p.status NOT IN ('COMPLETED', 'HELD') AND COUNT(t.id) >= p.quantity) OR (p.status NOT IN ('COMPLETED', 'HELD') AND p.source <> 'SIMULATION' AND COUNT(t.id) > 0)
        LIMIT ${EXAMPLES}`,
      where,
    );
    check("every completed purchase holds exactly its quantity", held.length === 0, held.length ? "purchases holding a number of tickets other than their quantity" : "every COMPLETED purchase holds its quantity, no other purchase holds as many", held.map((h) => `${h.id} (${num(h.n)} tickets)`));

    // 5. The pool replayed from the ticket timestamps: never above capacity, never below zero.
    const [replay] = await read<{ high: number | null; low: number | null; at: Date | null }>(
      `SELECT level AS high, MIN(level) OVER () AS low, at FROM (
         SELECT at, SUM(d) OVER (ORDER BY at) AS level FROM (
           SELECT at, SUM(d) AS d FROM (
             SELECT releasedAt AS at, COUNT(*) AS d FROM Ticket WHERE eventId = ? AND run = ? GROUP BY releasedAt
             UNION ALL SELECT soldAt, -COUNT(*) FROM Ticket WHERE eventId = ? AND run = ? AND soldAt IS NOT NULL GROUP BY soldAt) moves
           GROUP BY at) steps) levels
       ORDER BY level DESC, at LIMIT 1`,
      [...where, ...where],
    );
    const high = num(replay?.high);
    check(
      "the pool never exceeded its capacity",
      high <= capacity && num(replay?.low) >= 0,
      `replayed ${count(released + sold)} moves in time order: the pool peaked at ${count(high)} of ${count(capacity)}${replay?.at ? ` (at ${replay.at.toISOString()})` : ""}, lowest ${count(num(replay?.low))}`,
    );

    // 6. Nothing sold or released after SOLD_OUT, which comes once and only when all is sold.
    // In log order (seq): on a Galera cluster ids are not in commit order, so "after" is by seq.
    const soldOuts = await read<{ id: number; seq: number | string; at: Date }>("SELECT id, seq, createdAt AS at FROM EventLog WHERE eventId = ? AND kind = 'SOLD_OUT' AND run = ? ORDER BY seq", where);
    if (soldOuts.length === 0) {
      check("nothing sold after SOLD_OUT", !(r === ev.run && ev.status === "SOLD_OUT"), r === ev.run && ev.status === "SOLD_OUT" ? "the event says SOLD_OUT but the log never did" : "the run did not sell out");
    } else {
      const [first] = soldOuts;
      const late = await ids("SELECT id FROM Ticket WHERE eventId = ? AND run = ? AND (soldAt > ? OR releasedAt > ?) ORDER BY id", [...where, first.at, first.at]);
      const lateLogs = await ids("SELECT id FROM EventLog WHERE eventId = ? AND run = ? AND kind IN ('RELEASED', 'SOLD', 'HELD', 'CONFIRMED') AND seq > ? ORDER BY seq", [...where, first.seq]);
      const complete = released === total && sold === total;
      check(
        "nothing sold after SOLD_OUT",
        late.length === 0 && lateLogs.length === 0 && soldOuts.length === 1 && complete,
        `SOLD_OUT at ${first.at.toISOString()}${soldOuts.length > 1 ? `, recorded ${soldOuts.length} times` : ""}; ${complete ? "every ticket sold by then" : `only ${count(sold)} of ${count(total)} sold`}${late.length + lateLogs.length ? "; tickets moved after it" : ""}`,
        [...late, ...lateLogs],
      );
    }

    // 7. Checkout holds replayed from the log: each HELD row's tickets are next returned (RETURNED)
    // or confirmed by the same buyer (CONFIRMED) — never sold to or held by anyone else meanwhile —
    // and a hold not returned leaves its tickets with its buyer; no hold is confirmed after it expired.
    const misheld = await ids(
      `SELECT q.id FROM (
         SELECT h.id, h.eventId, h.run, h.actor, h.ticketId, h.lastTicketId,
                (SELECT x.id FROM EventLog x WHERE x.eventId = h.eventId AND x.run = h.run AND x.seq > h.seq AND x.kind IN ('HELD', 'RETURNED', 'CONFIRMED', 'SOLD')
                    AND x.ticketId <= h.lastTicketId AND x.lastTicketId >= h.ticketId ORDER BY x.seq LIMIT 1) AS nextId
           FROM EventLog h WHERE h.eventId = ? AND h.run = ? AND h.kind = 'HELD') q
         LEFT JOIN EventLog n ON n.id = q.nextId
        WHERE (n.id IS NOT NULL AND NOT (n.kind IN ('RETURNED', 'CONFIRMED') AND n.actor = q.actor))
           OR ((n.id IS NULL OR n.kind = 'CONFIRMED') AND EXISTS (SELECT 1 FROM Ticket t WHERE t.id BETWEEN q.ticketId AND q.lastTicketId AND t.eventId = q.eventId AND t.run = q.run AND (t.buyer IS NULL OR t.buyer <> q.actor)))
        ORDER BY q.id`,
      where,
    );
    const late2 = await ids(
      `SELECT p.publicId AS id FROM Purchase p WHERE p.eventId = ? AND p.run = ? AND p.hold AND p.status = 'COMPLETED'
          AND (p.holdExpiresAt IS NULL OR p.completedAt > p.holdExpiresAt OR EXISTS (SELECT 1 FROM Ticket t WHERE t.purchaseId = p.id AND t.soldAt > p.holdExpiresAt))
        ORDER BY p.id`,
      where,
    );
    check(
      "every hold ends once, with its own buyer, in time",
      misheld.length === 0 && late2.length === 0,
      misheld.length || late2.length
        ? `${misheld.length ? "held tickets sold to or held by someone else before they were returned (log rows listed)" : ""}${misheld.length && late2.length ? "; " : ""}${late2.length ? "holds confirmed after they expired (purchases listed)" : ""}`
        : "every held ticket was returned, or confirmed by its holder before the hold expired, or is still held by its holder",
      [...misheld, ...late2],
    );

    return { eventId, run: r, ok: checks.every((c) => c.ok), checkedAt: new Date().toISOString(), checks };
  });
}

export function auditText(report: AuditReport): string {
  const lines = [`Audit of event ${report.eventId}, run ${report.run} (${report.checkedAt}): ${report.ok ? "PASSED" : "FAILED"}`];
  for (const c of report.checks) {
    lines.push(`  ${c.ok ? "ok  " : "FAIL"}  ${c.name}: ${c.detail}`);
    if (c.examples?.length) lines.push(`        e.g. ${c.examples.join(", ")}`);
  }
  return lines.join("\n");
}

