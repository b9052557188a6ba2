import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ticketsInWords } from "../../lib/pool/batch-log";

// A log row's tickets in words (lib/pool/batch-log.ts): on a Galera cluster ids step by the
// cluster size, and "#716–#719" would read as four tickets when it is two.
describe("a log row's tickets in words", () => {
  it("is a range for consecutive ids, names up to four ids with gaps, and says from … to beyond", () => {
    assert.equal(ticketsInWords([7n]), "ticket #7");
    assert.equal(ticketsInWords([1001n, 1002n, 1003n]), "3 tickets #1001–#1003");
    assert.equal(ticketsInWords([716n, 719n]), "tickets #716 and #719");
    assert.equal(ticketsInWords([1n, 4n, 7n, 10n]), "tickets #1, #4, #7 and #10");
    assert.equal(ticketsInWords([1n, 4n, 7n, 10n, 13n]), "5 tickets from #1 to #13");
  });
});
