import type { SimClock } from './sim-clock';

interface FakeTimer {
  id: number;
  at: number;
  fn: () => void;
}

/** A controllable clock for tests: time moves only through advance(), which runs due timers in order. */
export class FakeClock implements SimClock {
  private current: number;
  private timers: FakeTimer[] = [];
  private nextId = 1;

  constructor(start: number | Date = Date.UTC(2026, 10, 23, 4, 0, 0)) {
    this.current = typeof start === 'number' ? start : start.getTime();
  }

  now(): number {
    return this.current;
  }

  schedule(ms: number, fn: () => void): () => void {
    const timer: FakeTimer = { id: this.nextId++, at: this.current + Math.max(0, ms), fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** Moves time forward by `ms`, running every timer that falls due (timers they schedule included). */
  advance(ms: number): void {
    const target = this.current + ms;
    for (let guard = 0; guard < 1_000_000; guard++) {
      const due = this.timers.filter((t) => t.at <= target);
      if (due.length === 0) break;
      const first = due.reduce((a, b) => (b.at < a.at || (b.at === a.at && b.id < a.id) ? b : a));
      this.timers = this.timers.filter((t) => t !== first);
      this.current = Math.max(this.current, first.at);
      first.fn();
    }
    this.current = target;
  }

  /** Timers still waiting (for assertions that nothing is left behind). */
  pending(): number {
    return this.timers.length;
  }
}
