import type { EventEnvelope } from '@fillwire/events';
import { preciseNow } from '../stream-entry';

/** A valid envelope for bus tests and benchmarks; `seq` makes the id unique within a run. */
export function testEnvelope(seq: number | string, overrides: Partial<EventEnvelope> = {}): EventEnvelope {
  const now = preciseNow();
  return {
    id: `evt-${seq}`,
    type: 'order.updated',
    version: 1,
    ts: Math.floor(now),
    receivedAt: now,
    source: 'test',
    userId: 'demo',
    accountId: 'AB1234',
    broker: 'zerodha',
    key: `order-${seq}`,
    data: { seq },
    ...overrides,
  };
}
