/** 5000 → "5,000": counts in messages people read (log rows, validation errors). */
export function count(n: number): string {
  return n.toLocaleString("en-US");
}
