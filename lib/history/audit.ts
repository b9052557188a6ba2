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
    const [ev] = await read<{ status: string; run: number; totalTickets: number; maxTicketCapacity: number; released: number; sold: number; available: number }>(
      "SELECT status, run, totalTickets, maxTicketCapacity, released, sold, available FROM Event WHERE id = ?",
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
    const [t] = await read<{ released: number; sold: number }>("SELECT COUNT(*) AS released, COUNT(soldAt) AS sold FROM Ticket WHERE eventId = ? AND run = ?", where);
    const released = num(t.released);
    const sold = num(t.sold);
    const [lastLog] = await read<{ released: number; sold: number; available: number }>("SELECT released, sold, available FROM EventLog WHERE eventId = ? AND run = ? ORDER BY id DESC LIMIT 1", where);
    if (r === ev.run) {
      const ok = ev.released === released && ev.sold === sold && ev.available === released - sold;
      check("counters equal the ticket rows", ok, `event counters released ${count(ev.released)}, sold ${count(ev.sold)}, available ${count(ev.available)}; ticket rows: ${count(released)} released, ${count(sold)} sold, ${count(released - sold)} in the pool`);
    }
    if (lastLog) {
      const ok = lastLog.released === released && lastLog.sold === sold && lastLog.available === released - sold;
      check("the last log row's counters equal the ticket rows", ok, `last log row: released ${count(lastLog.released)}, sold ${count(lastLog.sold)}, available ${count(lastLog.available)}; ticket rows: ${count(released)} released, ${count(sold)} sold`);
    }

    // 2. Bounds: released ≤ total; every recorded state within 0 … capacity and sold + available = released.
    const badStates = await ids(
      "SELECT id FROM EventLog WHERE eventId = ? AND run = ? AND (available < 0 OR available > ? OR released > ? OR sold + available <> released) ORDER BY id",
      [...where, capacity, total],
    );
    check("released never above the total", released <= total, `${count(released)} tickets released of ${count(total)}`);
    check("every logged state within the bounds", badStates.length === 0, badStates.length ? "log rows record a pool outside 0 … capacity, or counters that do not add up" : `every log row: 0 ≤ available ≤ ${count(capacity)}, released ≤ ${count(total)}, sold + available = released`, badStates);

    // 3. Released before sold; sold at most once, to one buyer, through one of the run's purchases.
    const early = await ids("SELECT id FROM Ticket WHERE eventId = ? AND run = ? AND soldAt < releasedAt ORDER BY id", where);
    check("every ticket released before it was sold", early.length === 0, early.length ? "tickets sold before their release" : "no ticket sold before its release", early);
    const ownerless = await ids(
      `SELECT t.id FROM Ticket t LEFT JOIN Purchase p ON p.id = t.purchaseId
        WHERE t.eventId = ? AND t.run = ? AND (
          (t.soldAt IS NOT NULL AND (t.buyer IS NULL OR p.id IS NULL OR p.eventId <> t.eventId OR p.run <> t.run OR p.buyer <> t.buyer OR p.status = 'CANCELLED'))
          OR (t.soldAt IS NULL AND (t.buyer IS NOT NULL OR t.purchaseId IS NOT NULL)))
        ORDER BY t.id`,
      where,
    );
    check("every sold ticket has one buyer and one purchase", ownerless.length === 0, ownerless.length ? "sold tickets without a matching buyer and purchase, or unsold tickets with one" : "every sold ticket names its buyer and a purchase of this run by that buyer", ownerless);
    const [logged] = await read<{ released: number; sold: number }>("SELECT SUM(IF(kind = 'RELEASED', tickets, 0)) AS released, SUM(IF(kind = 'SOLD', tickets, 0)) AS sold FROM EventLog WHERE eventId = ? AND run = ? AND kind IN ('RELEASED', 'SOLD')", where);
    const overlaps = await ids(
      `SELECT id FROM (SELECT id, ticketId, LAG(lastTicketId) OVER (ORDER BY ticketId, id) AS prev FROM EventLog WHERE eventId = ? AND run = ? AND kind = 'SOLD' AND ticketId IS NOT NULL) moves
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
        HAVING (p.status = 'COMPLETED' AND COUNT(t.id) <> p.quantity) OR (p.status <> 'COMPLETED' AND COUNT(t.id) >= p.quantity) OR (p.status <> 'COMPLETED' AND p.source <> 'SIMULATION' AND COUNT(t.id) > 0)
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
    const soldOuts = await read<{ id: number; at: Date }>("SELECT id, createdAt AS at FROM EventLog WHERE eventId = ? AND kind = 'SOLD_OUT' AND run = ? ORDER BY id", where);
    if (soldOuts.length === 0) {
      check("nothing sold after SOLD_OUT", !(r === ev.run && ev.status === "SOLD_OUT"), r === ev.run && ev.status === "SOLD_OUT" ? "the event says SOLD_OUT but the log never did" : "the run did not sell out");
    } else {
      const [first] = soldOuts;
      const late = await ids("SELECT id FROM Ticket WHERE eventId = ? AND run = ? AND (soldAt > ? OR releasedAt > ?) ORDER BY id", [...where, first.at, first.at]);
      const lateLogs = await ids("SELECT id FROM EventLog WHERE eventId = ? AND run = ? AND kind IN ('RELEASED', 'SOLD') AND id > ? ORDER BY id", [...where, first.id]);
      const complete = released === total && sold === total;
      check(
        "nothing sold after SOLD_OUT",
        late.length === 0 && lateLogs.length === 0 && soldOuts.length === 1 && complete,
        `SOLD_OUT at ${first.at.toISOString()}${soldOuts.length > 1 ? `, recorded ${soldOuts.length} times` : ""}; ${complete ? "every ticket sold by then" : `only ${count(sold)} of ${count(total)} sold`}${late.length + lateLogs.length ? "; tickets moved after it" : ""}`,
        [...late, ...lateLogs],
      );
    }

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

