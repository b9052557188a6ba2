import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { cache } from "react";
import { AppError } from "@/lib/errors";
import { getEventView, recentLogs } from "@/lib/events/view";
import { eventIdSchema } from "@/lib/validation/event";
import { EventDashboard } from "./event-dashboard";

type Props = { params: Promise<{ id: string }> };

// Shared by the page and its metadata, so one request reads the event once.
const loadEvent = cache(async (rawId: string) => {
  const parsed = eventIdSchema.safeParse(rawId);
  if (!/^\d+$/.test(rawId) || !parsed.success) notFound();
  try {
    return await getEventView(parsed.data);
  } catch (err) {
    if (err instanceof AppError && err.code === "not_found") notFound();
    throw err;
  }
});

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const event = await loadEvent((await params).id);
  return { title: event.name };
}

export default async function EventPage({ params }: Props) {
  const event = await loadEvent((await params).id);
  const logs = await recentLogs(event.id, 50);
  return <EventDashboard initialEvent={event} initialLogs={logs} />;
}
