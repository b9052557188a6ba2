import "server-only";
import { singleton } from "@/lib/platform/singleton";

// What is computed about a run that has ended never changes (its rows are history: nothing
// writes them again), so its summary and charts are kept in memory once computed: the runs
// page of an event with many million-ticket runs then costs one computation per run, not one
// per view. Bounded, oldest entry out first; each instance keeps its own.

const MAX_ENTRIES = 1_000;

export function endedRunMemo<T>(name: string): { get(eventId: number, run: number): T | undefined; set(eventId: number, run: number, value: T): void } {
  const map = singleton(`ended-runs:${name}`, () => new Map<string, T>());
  return {
    get: (eventId, run) => map.get(`${eventId}:${run}`),
    set: (eventId, run, value) => {
      map.set(`${eventId}:${run}`, value);
      if (map.size > MAX_ENTRIES) map.delete(map.keys().next().value as string);
    },
  };
}
