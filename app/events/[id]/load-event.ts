import "server-only";
import { notFound } from "next/navigation";
import { cache } from "react";
import { AppError } from "@/lib/errors";
import { getEventView } from "@/lib/events/view";
import { eventIdSchema } from "@/lib/validation/event";

/** The event of an /events/{id} page, or the not-found page. Cached per request, so a page and its metadata read it once. */
export const loadEvent = cache(async (rawId: string) => {
  const parsed = eventIdSchema.safeParse(rawId);
  if (!/^\d+$/.test(rawId) || !parsed.success) notFound();
  try {
    return await getEventView(parsed.data);
  } catch (err) {
    if (err instanceof AppError && err.code === "not_found") notFound();
    throw err;
  }
});
