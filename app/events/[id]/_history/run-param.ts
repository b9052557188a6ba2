import { runQuerySchema } from "@/lib/contracts/history";

/** The ?run=n of a history page: a run number, or undefined for the current run (anything else is ignored). */
export function runParam(value: string | string[] | undefined): number | undefined {
  const r = runQuerySchema.safeParse({ run: typeof value === "string" ? value : undefined });
  return r.success ? r.data.run : undefined;
}
