/**
 * When to retry a failed event delivery: exponential backoff from 10 s, capped at 4 h per wait,
 * and never after the delivery's 24-hour give-up time.
 */

/** How long a delivery keeps being retried after the event. */
export const DELIVERY_RETRY_WINDOW_MS = 24 * 60 * 60_000;
const FIRST_DELAY_MS = 10_000;
const MAX_DELAY_MS = 4 * 60 * 60_000;
const FACTOR = 3;

/**
 * The next attempt after failed attempt number `attempt` (1-based), or null when it would fall after `giveUpAt`.
 * @example findNextAttemptAt({ attempt: 1, failedAt, giveUpAt, random: () => 0.5 }) // failedAt + 10 s
 */
export function findNextAttemptAt(input: { attempt: number; failedAt: Date; giveUpAt: Date; random: () => number }): Date | null {
  const base = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * FACTOR ** Math.max(0, input.attempt - 1));
  // ±10 % jitter so a subscriber coming back from an outage is not hit by every retry at once.
  const delay = Math.round(base * (0.9 + 0.2 * input.random()));
  const next = new Date(input.failedAt.getTime() + delay);
  return next.getTime() > input.giveUpAt.getTime() ? null : next;
}
