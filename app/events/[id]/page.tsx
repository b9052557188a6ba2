import type { Metadata } from "next";
import { recentLogs } from "@/lib/log/read";
import "./history.css";
import { EventDashboard } from "./event-dashboard";
import { loadEvent } from "./load-event";

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const event = await loadEvent((await params).id);
  return { title: event.name };
}

export default async function EventPage({ params }: Props) {
  const event = await loadEvent((await params).id);
  const logs = await recentLogs(event.id, 50);
  return <EventDashboard initialEvent={event} initialLogs={logs} />;
}
