// When a failed webhook delivery is tried again: pretix's schedule (5 s, 1 min, 5 min, 30 min,
// 1 h, 3 h, 6 h, 12 h, 24 h, 24 h — about 2.9 days), each delay spread by ±20 % so that many
// endpoints that failed together do not all come back at once. Pure: no clock, no I/O.

export const RETRY_DELAYS_MS = [5_000, 60_000, 300_000, 1_800_000, 3_600_000, 10_800_000, 21_600_000, 43_200_000, 86_400_000, 86_400_000] as const;

/** First attempt plus one per retry delay. */
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;

const JITTER = 0.2;

/**
 * The delay before the next attempt after attempt `attempts` (1-based) failed, or null when
 * that was the last one. `scale` shrinks the schedule (WEBHOOK_RETRY_SCALE, for tests);
 * `random` is a number in [0, 1).
 */
export function nextRetryDelay(attempts: number, scale = 1, random = Math.random()): number | null {
  if (!Number.isInteger(attempts) || attempts < 1 || attempts >= MAX_ATTEMPTS) return null;
  const base = RETRY_DELAYS_MS[attempts - 1] * scale;
  return Math.max(1, Math.round(base * (1 - JITTER + 2 * JITTER * random)));
}
