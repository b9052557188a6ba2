import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createEventSchema, fieldErrors, numbersFromForm } from "../../lib/contracts/event-input";

const valid = { name: "Finals", totalTickets: 5000, maxTicketCapacity: 50, ticketReleaseRate: 10, customerRetrievalRate: 5 };

function errors(input: unknown): Record<string, string> {
  const r = createEventSchema.safeParse(input);
  assert.equal(r.success, false, "expected the input to be refused");
  return fieldErrors(r.error!);
}

describe("event validation", () => {
  it("accepts a valid event and defaults the starting counts to zero", () => {
    const r = createEventSchema.parse(valid);
    assert.deepEqual({ vendors: r.vendors, customers: r.customers, vipCustomers: r.vipCustomers }, { vendors: 0, customers: 0, vipCustomers: 0 });
  });

  it("refuses a pool larger than the total, on the capacity field", () => {
    assert.match(errors({ ...valid, maxTicketCapacity: 5001 }).maxTicketCapacity, /cannot exceed totalTickets/);
  });

  it("refuses out-of-range and non-numeric numbers with a message naming the unit", () => {
    assert.match(errors({ ...valid, totalTickets: 0 }).totalTickets, /at least 1 ticket\b/);
    assert.match(errors({ ...valid, totalTickets: 1_000_001 }).totalTickets, /at most 1,000,000/);
    assert.match(errors({ ...valid, totalTickets: 10.5 }).totalTickets, /whole number/);
    assert.match(errors({ ...valid, ticketReleaseRate: 0.05 }).ticketReleaseRate, /at least 0.1 tickets\/s/);
    assert.match(errors({ ...valid, customerRetrievalRate: "fast" }).customerRetrievalRate, /number of tickets\/s/);
    assert.match(errors({ ...valid, totalTickets: "5000" }).totalTickets, /number of tickets/);
  });

  it("refuses empty and over-long names", () => {
    assert.match(errors({ ...valid, name: "   " }).name, /required/);
    assert.match(errors({ ...valid, name: "x".repeat(1_000_000) }).name, /at most 120/);
    assert.match(errors({ ...valid, name: undefined }).name, /required/);
  });

  it("refuses more VIP customers than customers, and unknown fields", () => {
    assert.match(errors({ ...valid, customers: 2, vipCustomers: 3 }).vipCustomers, /cannot exceed customers/);
    assert.ok(Object.keys(errors({ ...valid, colour: "red" })).length > 0);
  });

  it("reads numbers from a form, keeping what is not a number so it is refused", () => {
    const f = new FormData();
    f.set("totalTickets", " 5,000 ");
    f.set("maxTicketCapacity", "abc");
    f.set("vendors", "");
    assert.deepEqual(numbersFromForm(f, ["totalTickets", "maxTicketCapacity", "vendors"]), { totalTickets: 5000, maxTicketCapacity: "abc" });
  });
});

describe("error mapping", () => {
  it("turns 'the database is not answering' into a 503 and anything unknown into a 500 without details", async () => {
    const { toAppError } = await import("../../lib/contracts/errors");
    for (const message of ["connect ECONNREFUSED 127.0.0.1:3306", "Transaction API error: Unable to start a transaction in the given time.", "pool timeout: failed to retrieve a connection from pool",
      // A Galera node killed under a Prisma query (the mariadb driver's own codes), and mysql2 after it.
      "Invalid `prisma.purchase.findUnique()` invocation:\nDatabase error. Code: `45009`. Message: `socket has unexpectedly been closed`",
      "(conn:12, no: 45001, SQLState: 08S01) Cannot execute new commands: connection closed",
      "Can't add new command when connection is in closed state",
      "write EPIPE"]) {
      assert.equal(toAppError(new Error(message)).status, 503, message);
    }
    const hidden = toAppError(new Error("secret internals"));
    assert.equal(hidden.status, 500);
    assert.doesNotMatch(hidden.message, /secret/);
  });
});
