import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { encodeRows } from "../../lib/history/serialize";

// CSV exports carry names and messages users typed: quoted per RFC 4180, and never run as a
// formula by the spreadsheet that opens them.

async function csv(rows: Record<string, unknown>[]): Promise<string> {
  let out = "";
  for await (const chunk of encodeRows("csv", ["buyer", "n"], (async function* () {
    yield* rows;
  })())) out += chunk;
  return out;
}

describe("CSV exports", () => {
  it("quote separators and quotes, and put an apostrophe before text a spreadsheet would take for a formula", async () => {
    assert.equal(
      await csv([
        { buyer: "Ann", n: 1 },
        { buyer: 'Bo "B", Jr', n: -2 },
        { buyer: "=HYPERLINK(\"http://evil\")", n: 3 },
        { buyer: "+1", n: 4 },
        { buyer: "-x", n: 5 },
        { buyer: "@SUM(A1)", n: 6 },
      ]),
      'buyer,n\r\nAnn,1\r\n"Bo ""B"", Jr",-2\r\n"\'=HYPERLINK(""http://evil"")",3\r\n\'+1,4\r\n\'-x,5\r\n\'@SUM(A1),6\r\n',
    );
  });
});
