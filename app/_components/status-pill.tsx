import type { EventView } from "@/lib/contracts/event";

type Status = EventView["status"];

/**
 * The status in the design's own words (IDLE, RUNNING, STOPPED, SOLD_OUT — the same as the API).
 * The word is the signal; colour and the glyph drawn by CSS (pill-*::before) only repeat it.
 */
export function StatusPill({ status, testId }: { status: Status; testId?: string }) {
  return (
    <span className={`pill pill-${status.toLowerCase().replace("_", "-")}`} data-status={status} data-testid={testId}>
      {status}
    </span>
  );
}
