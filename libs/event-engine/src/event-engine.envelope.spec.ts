import {
  EVENT_SAMPLES,
  TimerSchema,
  createEnvelope,
  type EventMap,
  type EventType,
  type TypedEnvelope,
} from '@fillwire/events';
import { EventEngine } from './event-engine';

/** The engine over the real catalogue: what services will run. */
type Envelopes = { [K in EventType]: TypedEnvelope<K> };

describe('EventEngine with @fillwire/events envelopes', () => {
  it('carries envelopes untouched and narrows their payload by type', async () => {
    const engine = new EventEngine<Envelopes>({ timerIntervalMs: 0 });
    const orders: EventMap['order.updated'][] = [];
    const seen: unknown[] = [];
    engine.register('order.updated', (envelope) => {
      orders.push(envelope.data);
      seen.push(envelope);
    });
    const envelope = createEnvelope('order.updated', EVENT_SAMPLES['order.updated'], { source: 'test' });
    engine.start();
    engine.put(envelope);
    await engine.idle();
    await engine.stop();
    expect(seen).toEqual([envelope]);
    expect(seen[0]).toBe(envelope);
    expect(orders).toEqual([EVENT_SAMPLES['order.updated']]);
  });

  it("emits timer events whose data satisfies the catalogue's timer schema", async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    try {
      const engine = new EventEngine<Envelopes>({ timerIntervalMs: 250 });
      const ticks: unknown[] = [];
      engine.register('timer', (tick) => void ticks.push(tick.data));
      engine.start();
      jest.advanceTimersByTime(250);
      await engine.idle();
      await engine.stop();
      expect(ticks).toHaveLength(1);
      expect(TimerSchema.safeParse(ticks[0]).success).toBe(true);
      expect(ticks[0]).toMatchObject({ intervalMs: 250, seq: 1 });
    } finally {
      jest.useRealTimers();
    }
  });
});
