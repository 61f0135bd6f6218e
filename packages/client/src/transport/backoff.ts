/** Options of {@link backoffDelay}. */
export interface BackoffOptions {
  /** Delay of the first retry, ms — the server's `retry:` hint when it sent one. */
  readonly baseMs: number;
  /** Upper bound of any delay, ms. */
  readonly maxMs: number;
  /** Source of randomness in [0, 1) (default `Math.random`). */
  readonly random?: () => number;
}

/**
 * Delay before reconnect attempt `attempt` (0 for the first): exponential growth from `baseMs`,
 * capped at `maxMs`, with "equal jitter" — a random delay in [d/2, d] — so that thousands of
 * viewers dropped at once by the same server do not come back at the same instant, while no one
 * retries sooner than half the nominal delay.
 */
export function backoffDelay(attempt: number, { baseMs, maxMs, random = Math.random }: BackoffOptions): number {
  const nominal = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(nominal / 2 + (nominal / 2) * random());
}
