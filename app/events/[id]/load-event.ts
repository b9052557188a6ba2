import "server-only";
import { notFound } from "next/navigation";
import { cache } from "react";
import { hasCode } from "@/lib/contracts/errors";
import { parseId } from "@/lib/contracts/ids";
import { getBuyerEvent, getEventView } from "@/lib/events/view";

// The event of an /events/{id} page, or the not-found page. Cached per request, so a page and
// its metadata read it once.

export const loadEvent = cache((rawId: string) => orNotFound(() => getEventView(parseId(rawId, "event"))));

export const loadBuyerEvent = cache((rawId: string) => orNotFound(() => getBuyerEvent(parseId(rawId, "event"))));

async function orNotFound<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    if (hasCode(err, "not_found")) notFound();
    throw err;
  }
}
