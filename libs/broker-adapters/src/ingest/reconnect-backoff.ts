export interface BackoffOptions {
  /** First delay; default 1 s. */
  minMs?: number;
  /** Ceiling; default 60 s. */
  maxMs?: number;
  /** 0..1 source of jitter (tests pass a fixed one). */
  random?: () => number;
}

/**
 * Delay before reconnect attempt `attempt` (1-based): exponential from minMs, capped at maxMs,
 * with "equal jitter" (half fixed, half random) so many accounts dropped together do not come
 * back in one burst, yet no delay is ever shorter than half the step.
 */
export function reconnectDelayMs(
  attempt: number,
  { minMs = 1_000, maxMs = 60_000, random = Math.random }: BackoffOptions = {},
): number {
  const step = Math.min(maxMs, minMs * 2 ** Math.max(0, Math.min(30, attempt - 1)));
  const half = step / 2;
  return Math.round(half + random() * half);
}
