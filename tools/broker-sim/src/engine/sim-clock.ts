/**
 * Time as the simulator sees it. The real clock runs the demo; the fake one lets tests step
 * through fills and price walks without waiting.
 */
export interface SimClock {
  /** Epoch milliseconds. */
  now(): number;
  /** Runs `fn` after `ms`; returns a function that cancels it. */
  schedule(ms: number, fn: () => void): () => void;
}

/** Wall-clock time; timers are unref'd so a forgotten simulator never keeps a process alive. */
export const systemClock: SimClock = {
  now: () => Date.now(),
  schedule(ms, fn) {
    const timer = setTimeout(fn, Math.max(0, ms));
    timer.unref();
    return () => clearTimeout(timer);
  },
};
