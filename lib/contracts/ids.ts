import { z } from "zod";
import { AppError } from "./errors";

// The one place that turns an id from a URL (or a server action's argument, which is input
// just the same) into a number. Anything that is not one of our ids is a 404 naming what was
// looked for: an id that cannot exist is simply not found.

const idSchema = z.coerce.number().int().positive().max(2_147_483_647);

export function parseId(value: unknown, what: string): number {
  const text = typeof value === "number" ? String(value) : value;
  const parsed = typeof text === "string" && /^\d{1,10}$/.test(text) ? idSchema.safeParse(text) : null;
  if (!parsed?.success) throw new AppError("not_found", `There is no ${what} with id ${JSON.stringify(value ?? null).slice(0, 40)}`);
  return parsed.data;
}
