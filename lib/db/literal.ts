import "server-only";
import { escape } from "mysql2";

// Rows rendered as SQL literals, for the few statements that write thousands of rows at once
// (a batch's tickets): binding 100,000 parameters one by one costs the driver more CPU than the
// database spends on the rows. Numbers go as they are, text is escaped by mysql2, times are
// written in UTC exactly as the Prisma adapter binds them.

export type Literal = number | bigint | string | Date | null;

// A batch stamps all its rows with one moment: render it once.
let lastTime = NaN;
let lastText = "";

function utc(d: Date): string {
  const t = d.getTime();
  if (t !== lastTime) {
    lastText = `'${d.toISOString().slice(0, 23).replace("T", " ")}'`;
    lastTime = t;
  }
  return lastText;
}

export function literal(v: Literal): string {
  if (v === null) return "NULL";
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new RangeError(`not a finite number: ${v}`);
    return String(v);
  }
  if (typeof v === "bigint") return v.toString();
  if (v instanceof Date) return utc(v);
  return escape(v);
}

/** `(a,b,c),(d,e,f)…` for a multi-row VALUES clause. */
export function valuesList(rows: Literal[][]): string {
  return rows.map((r) => `(${r.map(literal).join(",")})`).join(",");
}
