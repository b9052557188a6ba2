import "server-only";
import type { ExportFormat } from "@/lib/contracts/history";

// Rows to the bytes of an export, a batch of rows per chunk (one write per row would cost more
// than the row): CSV (RFC 4180, a header line), NDJSON (one object a line) or one JSON array.
// Names and messages are the users' own text: in CSV, one that a spreadsheet would take for a
// formula is written with an apostrophe first (NDJSON and JSON carry the text as it is).

const CHUNK_CHARS = 64 * 1024;

/** Text a spreadsheet would run as a formula (=, +, -, @, or a tab or CR first): such a cell starts with an apostrophe instead. */
const FORMULA = /^[=+\-@\t\r]/;

function csvField(v: unknown): string {
  if (v === null || v === undefined) return "";
  let s = v instanceof Date ? v.toISOString() : String(v);
  if (typeof v === "string" && FORMULA.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export async function* encodeRows<R extends Record<string, unknown>>(format: ExportFormat, columns: readonly (keyof R & string)[], rows: AsyncIterable<R>): AsyncGenerator<string> {
  let buf = format === "csv" ? `${columns.join(",")}\r\n` : format === "json" ? "[" : "";
  let first = true;
  for await (const row of rows) {
    if (format === "csv") buf += `${columns.map((c) => csvField(row[c])).join(",")}\r\n`;
    else if (format === "ndjson") buf += `${JSON.stringify(row)}\n`;
    else buf += `${first ? "\n" : ",\n"}${JSON.stringify(row)}`;
    first = false;
    if (buf.length >= CHUNK_CHARS) {
      yield buf;
      buf = "";
    }
  }
  if (format === "json") buf += first ? "]\n" : "\n]\n";
  if (buf) yield buf;
}

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: "text/csv; charset=utf-8",
  ndjson: "application/x-ndjson; charset=utf-8",
  json: "application/json; charset=utf-8",
};
