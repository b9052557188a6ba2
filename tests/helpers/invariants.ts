import assert from "node:assert/strict";
import type mysql from "mysql2/promise";

type Row = Record<string, number | string | null>;

async function one(sql: mysql.Connection, q: string, params: unknown[]): Promise<Row> {
  const [rows] = await sql.query(q, params);
  return (rows as Row[])[0];
}

const n = (v: unknown) => Number(v ?? 0);

/**
 * Checks DESIGN §4 on what the database holds for the event's current run, by plain SQL
 * that shares no code with the app: counters, tickets, buyers and the event log agree.
 */
export async function assertPoolInvariants(sql: mysql.Connection, eventId: number): Promise<{ released: number; sold: number; available: number; status: string }> {
  // One consistent snapshot for every query, so that a sale still running cannot move between them.
  await sql.query("START TRANSACTION WITH CONSISTENT SNAPSHOT");
  try {
    return await checkInvariants(sql, eventId);
  } finally {
    await sql.query("COMMIT");
  }
}

async function checkInvariants(sql: mysql.Connection, eventId: number): Promise<{ released: number; sold: number; available: number; status: string }> {
  const ev = await one(sql, "SELECT status, run, totalTickets, maxTicketCapacity, released, sold, available, held FROM Event WHERE id = ?", [eventId]);
  const released = n(ev.released);
  const sold = n(ev.sold);
  const available = n(ev.available);
  const held = n(ev.held);
  assert.ok(available >= 0 && held >= 0 && available + held <= n(ev.maxTicketCapacity), `available ${available} + held ${held} outside 0…${ev.maxTicketCapacity}`);
  assert.ok(released <= n(ev.totalTickets), `released ${released} above total ${ev.totalTickets}`);
  assert.equal(sold + held + available, released, "sold + held + available must equal released");
  if (String(ev.status) === "SOLD_OUT") assert.equal(sold, n(ev.totalTickets), "SOLD_OUT only when every ticket is sold (nothing available, nothing held)");

  const t = await one(
    sql,
    `SELECT COUNT(*) AS tickets, SUM(soldAt IS NOT NULL) AS sold, SUM(soldAt IS NOT NULL AND customerId IS NULL AND buyer IS NULL) AS ownerless,
            SUM(soldAt IS NULL AND purchaseId IS NOT NULL) AS held, SUM(soldAt IS NULL AND purchaseId IS NULL AND (buyer IS NOT NULL OR customerId IS NOT NULL)) AS strays
       FROM Ticket WHERE eventId = ? AND run = ?`,
    [eventId, ev.run],
  );
  assert.equal(n(t.tickets), released, "one ticket row per released ticket (none lost)");
  assert.equal(n(t.sold), sold, "ticket rows marked sold must match the sold counter");
  assert.equal(n(t.held), held, "ticket rows held by a purchase must match the held counter");
  assert.equal(n(t.strays), 0, "an available ticket names no buyer");
  assert.equal(n(t.ownerless), 0, "every sold ticket has a buyer");

  const logs = await one(
    sql,
    `SELECT SUM(CASE WHEN kind = 'RELEASED' THEN tickets END) AS released, SUM(CASE WHEN kind IN ('SOLD', 'CONFIRMED') THEN tickets END) AS sold,
            SUM(CASE WHEN kind = 'HELD' THEN tickets WHEN kind IN ('RETURNED', 'CONFIRMED') THEN -tickets END) AS held,
            MAX(available + held) AS maxAvailable, MAX(released) AS maxReleased, MIN(available) AS minAvailable, SUM(sold + held + available <> released) AS unbalanced
       FROM EventLog WHERE eventId = ? AND run = ?`,
    [eventId, ev.run],
  );
  assert.equal(n(logs.released), released, "the RELEASED log rows account for every released ticket");
  assert.equal(n(logs.sold), sold, "the SOLD and CONFIRMED log rows account for every sold ticket");
  assert.equal(n(logs.held), held, "the HELD, RETURNED and CONFIRMED log rows account for every held ticket");
  assert.equal(n(logs.unbalanced), 0, "every log row's counters add up: sold + held + available = released");
  assert.ok(n(logs.maxAvailable) <= n(ev.maxTicketCapacity), `a log row shows ${logs.maxAvailable} available and held, above capacity ${ev.maxTicketCapacity}`);
  assert.ok(n(logs.minAvailable) >= 0, "no log row shows a negative pool");
  assert.ok(n(logs.maxReleased) <= n(ev.totalTickets), "no log row shows more released than the total");

  // Each log row names a range of the event's tickets; joined back to the ticket rows, every
  // ticket is in exactly one RELEASED row and, once sold, exactly one SOLD row naming its buyer.
  // A hold's tickets are sold by its CONFIRMED rows: they count as sales here.
  for (const kind of ["RELEASED", "SOLD"] as const) {
    const [rows] = await sql.query(
      `SELECT l.id, MIN(l.ticketId) AS first, MIN(l.lastTicketId) AS last, MIN(l.tickets) AS claimed, COUNT(t.id) AS found,
              SUM(${kind === "SOLD" ? "t.soldAt IS NULL OR t.buyer <> l.actor" : "0"}) AS wrong
         FROM EventLog l LEFT JOIN Ticket t FORCE INDEX (PRIMARY) ON t.id BETWEEN l.ticketId AND l.lastTicketId AND t.eventId = l.eventId AND t.run = l.run
        WHERE l.eventId = ? AND l.run = ? AND l.kind IN (?) GROUP BY l.id ORDER BY first`,
      [eventId, ev.run, kind === "SOLD" ? ["SOLD", "CONFIRMED"] : [kind]],
    );
    const ranges = rows as Row[];
    const expected = kind === "RELEASED" ? released : sold;
    assert.equal(ranges.reduce((sum, r) => sum + n(r.found), 0), expected, `${kind} log ranges must cover ${expected} tickets`);
    for (const [i, r] of ranges.entries()) {
      assert.equal(n(r.found), n(r.claimed), `a ${kind} log row says ${r.claimed} tickets, its range #${r.first}–#${r.last} holds ${r.found}`);
      assert.equal(n(r.wrong), 0, `a ${kind} log row names tickets that are not its buyer's`);
      if (i > 0) assert.ok(BigInt(r.first as string | number) > BigInt(ranges[i - 1].last as string | number), `two ${kind} log rows share a ticket (#${r.first})`);
    }
  }

  const purchases = await one(
    sql,
    `SELECT
        (SELECT COUNT(*) FROM Ticket WHERE eventId = ? AND run = ? AND soldAt IS NOT NULL AND purchaseId IS NULL) AS unpurchased,
        (SELECT COUNT(*) FROM (SELECT p.id FROM Purchase p JOIN Ticket t ON t.purchaseId = p.id GROUP BY p.id, p.quantity HAVING COUNT(*) > p.quantity) x) AS overfilled,
        (SELECT COUNT(*) FROM (SELECT p.id FROM Purchase p LEFT JOIN Ticket t ON t.purchaseId = p.id WHERE p.eventId = ? AND p.source <> 'SIMULATION'
            GROUP BY p.id, p.quantity, p.status HAVING (p.status IN ('COMPLETED', 'HELD') AND COUNT(t.id) <> p.quantity) OR (p.status NOT IN ('COMPLETED', 'HELD') AND COUNT(t.id) <> 0)) y) AS partialReal,
        (SELECT COUNT(*) FROM Ticket t JOIN Purchase p ON p.id = t.purchaseId WHERE t.eventId = ? AND t.run = ?
            AND ((t.soldAt IS NULL AND (p.status <> 'HELD' OR t.buyer <> p.buyer)) OR (t.soldAt IS NOT NULL AND (p.status IN ('HELD', 'EXPIRED') OR (p.source <> 'SIMULATION' AND p.status <> 'COMPLETED'))))) AS misheld,
        (SELECT COUNT(*) FROM (SELECT p.id FROM Purchase p LEFT JOIN Ticket t ON t.purchaseId = p.id WHERE p.eventId = ? AND p.status = 'COMPLETED'
            GROUP BY p.id, p.quantity HAVING COUNT(t.id) <> p.quantity) z) AS shortCompleted,
        (SELECT COUNT(*) FROM Ticket t JOIN Purchase p ON p.id = t.purchaseId WHERE t.eventId = ? AND (p.eventId <> t.eventId OR p.run <> t.run)) AS crossed`,
    [eventId, ev.run, eventId, eventId, ev.run, eventId, eventId],
  );
  assert.equal(n(purchases.misheld), 0, "a held ticket belongs to a HELD purchase of its buyer, a real buyer's sold one to a COMPLETED purchase");
  assert.equal(n(purchases.unpurchased), 0, "every sold ticket belongs to a purchase");
  assert.equal(n(purchases.overfilled), 0, "no purchase holds more tickets than it asked for");
  assert.equal(n(purchases.partialReal), 0, "a real buyer's purchase is all or nothing");
  assert.equal(n(purchases.shortCompleted), 0, "a COMPLETED purchase holds exactly what it asked for");
  assert.equal(n(purchases.crossed), 0, "tickets belong to purchases of their own event and run");

  const actors = await one(
    sql,
    `SELECT (SELECT COALESCE(SUM(released), 0) FROM Vendor WHERE eventId = ?) AS vendors, (SELECT COALESCE(SUM(bought), 0) FROM Customer WHERE eventId = ?) AS customers,
            (SELECT COUNT(*) FROM Ticket WHERE eventId = ? AND run = ? AND customerId IS NOT NULL) AS simulated`,
    [eventId, eventId, eventId, ev.run],
  );
  assert.equal(n(actors.vendors), released, "vendors' counts add up to released");
  assert.equal(n(actors.customers), n(actors.simulated), "simulated customers' counts add up to the tickets they hold");
  return { released, sold, available, status: String(ev.status) };
}

export async function eventStatus(sql: mysql.Connection, eventId: number): Promise<{ status: string; sold: number; released: number }> {
  const r = await one(sql, "SELECT status, sold, released FROM Event WHERE id = ?", [eventId]);
  return { status: String(r.status), sold: n(r.sold), released: n(r.released) };
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 60_000, everyMs = 100): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
