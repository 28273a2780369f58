import {
  EVENT_CATALOGUE,
  EVENT_CATALOGUE_LIST,
  EVENT_TYPES,
  eventPriority,
  isBusBound,
  isEventType,
  type EventType,
} from './event-catalogue';
import { EnvelopeSchema } from './envelope.schema';
import { EVENT_SAMPLES, sampleOrder } from './event-samples';

/** One invalid variant of each sample, each breaking a rule a consumer relies on. */
const BAD: Record<EventType, (good: Record<string, unknown>) => unknown> = {
  'order.placed': (g) => ({ ...g, order: { ...sampleOrder(), quantity: -1 } }),
  'order.updated': (g) => ({ ...g, order: { ...sampleOrder(), status: 'COMPLETE' } }),
  'order.rejected': (g) => ({ ...g, reason: '' }),
  'order.cancelled': (g) => ({ ...g, order: sampleOrder({ status: 'FILLED' }) }),
  'order.filled': () => ({ order: sampleOrder({ status: 'OPEN' }) }),
  'trade.executed': (g) => ({ ...g, quantity: 0 }),
  'order.reconciled': (g) => ({
    ...g,
    differences: [{ field: 'status', local: { nested: true }, broker: 'FILLED' }],
  }),
  'position.updated': (g) => ({ ...g, netQuantity: 1.5 }),
  'account.updated': (g) => ({ ...g, segment: 'crypto' }),
  'order.notification': (g) => ({ ...g, kind: 'fill-ish' }),
  'broker.connected': (g) => ({ ...g, state: 'online' }),
  'broker.disconnected': (g) => ({ ...g, accountId: '' }),
  'broker.error': (g) => ({ ...g, fatal: 'yes' }),
  'analyzer.updated': (g) => ({ ...g, request: 'placeorder' }),
  'system.master-contract-downloaded': (g) => ({ ...g, broker: 'upstox' }),
  'auth.password-changed': (g) => ({ ...g, userId: undefined }),
  'flags.updated': (g) => ({ ...g, flags: { ...(g.flags as object), rolloutPercent: 101 } }),
  timer: () => ({ intervalMs: 0 }),
};

describe('EVENT_CATALOGUE', () => {
  it('holds every event the contract promises', () => {
    expect([...EVENT_TYPES].sort()).toEqual(
      [
        'order.placed',
        'order.updated',
        'order.rejected',
        'order.cancelled',
        'order.filled',
        'trade.executed',
        'position.updated',
        'account.updated',
        'order.notification',
        'order.reconciled',
        'broker.connected',
        'broker.disconnected',
        'broker.error',
        'analyzer.updated',
        'system.master-contract-downloaded',
        'auth.password-changed',
        'flags.updated',
        'timer',
      ].sort(),
    );
  });

  it.each(EVENT_TYPES)('%s: a name the envelope accepts, a version, producers and consumers', (type) => {
    const entry = EVENT_CATALOGUE[type];
    expect(EnvelopeSchema.shape.type.safeParse(type).success).toBe(true);
    expect(entry.version).toBeGreaterThanOrEqual(1);
    expect(entry.producers.length).toBeGreaterThan(0);
    expect(entry.consumers.length).toBeGreaterThan(0);
    expect(entry.description.length).toBeGreaterThan(10);
  });

  it.each(EVENT_TYPES)('%s: accepts its sample and rejects a bad variant', (type) => {
    const { schema } = EVENT_CATALOGUE[type];
    const good = EVENT_SAMPLES[type] as Record<string, unknown>;
    expect(schema.safeParse(good).error).toBeUndefined();
    expect(schema.safeParse(BAD[type](good)).success).toBe(false);
    expect(schema.safeParse(undefined).success).toBe(false);
  });

  it('lists every entry with its name', () => {
    expect(EVENT_CATALOGUE_LIST.map((e) => e.name)).toEqual(EVENT_TYPES);
    expect(EVENT_CATALOGUE_LIST.find((e) => e.name === 'timer')?.busBound).toBe(false);
  });

  it('only timer stays in-process', () => {
    expect(EVENT_TYPES.filter((t) => !isBusBound(t))).toEqual(['timer']);
  });

  it('order and trade events are critical, notifications low', () => {
    for (const type of EVENT_TYPES) {
      if (type.startsWith('order.') && type !== 'order.notification')
        expect(eventPriority(type)).toBe('critical');
    }
    expect(eventPriority('trade.executed')).toBe('critical');
    expect(eventPriority('order.notification')).toBe('low');
    expect(eventPriority('position.updated')).toBe('normal');
  });

  it('isEventType knows the catalogue and nothing else', () => {
    expect(isEventType('order.updated')).toBe(true);
    expect(isEventType('order.deleted')).toBe(false);
    expect(isEventType('toString')).toBe(false);
  });
});
