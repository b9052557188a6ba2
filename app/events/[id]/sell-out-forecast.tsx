"use client";

import { useState } from "react";
import { FORECAST_WINDOW_MS, remainingFromSamples, type SoldSample } from "@/lib/contracts/analytics";
import type { EventView } from "@/lib/contracts/event";
import { formatDuration } from "@/lib/contracts/format";
import { useNow } from "@/app/_components/use-now";

// "Sold out in ≈ …" on the dashboard: the sale rate of the last seconds, as the live numbers
// arrive, projected to the tickets still unsold.

export function SellOutForecast({ event }: { event: Pick<EventView, "sold" | "totalTickets" | "status" | "run"> }) {
  const now = useNow();
  const [samples, setSamples] = useState<SoldSample[]>([]);
  const [seen, setSeen] = useState<{ now: number | null; sold: number; run: number }>({ now: null, sold: -1, run: event.run });
  if (now !== null && (now !== seen.now || event.sold !== seen.sold || event.run !== seen.run)) {
    setSeen({ now, sold: event.sold, run: event.run });
    const fresh = event.run === seen.run && event.sold >= seen.sold ? samples.filter((s) => s.at >= now - FORECAST_WINDOW_MS) : [];
    setSamples([...fresh, { at: now, sold: event.sold }]);
  }
  let text: string;
  if (event.status === "SOLD_OUT") text = "Sold out";
  else if (event.status !== "RUNNING") text = "Sell-out forecast: when the sale runs";
  else {
    const remaining = remainingFromSamples(samples, event.totalTickets);
    text = remaining === null ? "Sold out in ≈ … (measuring the sale rate)" : `Sold out in ≈ ${formatDuration(remaining)}`;
  }
  return (
    <p className="muted forecast-line" data-testid="sell-out-forecast">
      {text}
    </p>
  );
}
