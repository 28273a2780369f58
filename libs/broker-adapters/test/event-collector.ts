import type { BrokerAdapterEvent, BrokerEventSink } from '../src';

/** A sink that records what an adapter pushes and lets a test wait for a matching event. */
export class EventCollector implements BrokerEventSink {
  readonly events: BrokerAdapterEvent[] = [];
  private waiters: Array<{ match: (e: BrokerAdapterEvent) => boolean; done: (e: BrokerAdapterEvent) => void }> = [];

  put(event: BrokerAdapterEvent): void {
    this.events.push(event);
    this.waiters = this.waiters.filter((w) => {
      if (!w.match(event)) return true;
      w.done(event);
      return false;
    });
  }

  /** The first event (already seen or future) matching `match`. */
  next<T extends BrokerAdapterEvent>(match: (e: BrokerAdapterEvent) => e is T, timeoutMs = 15_000, what = 'event'): Promise<T> {
    const seen = this.events.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise<T>((resolveEvent, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${what} within ${timeoutMs} ms; saw ${this.summary()}`)), timeoutMs);
      this.waiters.push({
        match,
        done: (e) => {
          clearTimeout(timer);
          resolveEvent(e as T);
        },
      });
    });
  }

  summary(): string {
    return this.events
      .slice(-15)
      .map((e) => (e.type === 'broker.order' ? `order:${e.data.order.brokerOrderId}:${e.data.order.status}` : e.type === 'broker.connection' ? `conn:${e.data.state}` : e.type === 'broker.error' ? `error:${e.data.error}` : e.type))
      .join(', ');
  }
}

export const isOrder = (id: string, status?: string) =>
  (e: BrokerAdapterEvent): e is Extract<BrokerAdapterEvent, { type: 'broker.order' }> =>
    e.type === 'broker.order' && e.data.order.brokerOrderId === id && (status === undefined || e.data.order.status === status);

export const isState = (state: string, after = 0) =>
  (e: BrokerAdapterEvent): e is Extract<BrokerAdapterEvent, { type: 'broker.connection' }> =>
    e.type === 'broker.connection' && e.data.state === state && e.data.at >= after;

/** A LIMIT price well below the market, on the 0.05 tick. */
export function farBelow(lastPrice: number): number {
  return Number((Math.round((lastPrice * 0.8) / 0.05) * 0.05).toFixed(2));
}
