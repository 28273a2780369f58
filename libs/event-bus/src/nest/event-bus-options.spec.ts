import { expandEventTypes, resolveEventBusOptions } from './event-bus-options';

describe('EventBusModule options', () => {
  it('expands patterns to bus-bound catalogue names and refuses unknown or in-process types', () => {
    expect(expandEventTypes(['order.updated'], 'x')).toEqual(['order.updated']);
    expect(expandEventTypes(['broker.*'], 'x')).toEqual([
      'broker.connected',
      'broker.disconnected',
      'broker.error',
    ]);
    expect(expandEventTypes('all', 'x')).not.toContain('timer');
    expect(expandEventTypes('all', 'x')).toContain('position.updated');
    expect(() => expandEventTypes(['timer'], 'consumed type')).toThrow(
      /consumed type "timer" is not a bus event/,
    );
    expect(() => expandEventTypes(['orders.*'], 'x')).toThrow(/"orders\.\*"/);
  });

  it('defaults the group to the service and publishes every bus-bound type', () => {
    const o = resolveEventBusOptions({
      service: 'portfolio-manager',
      consume: { types: ['order.*'], concurrency: 4 },
    });
    expect(o.consume).toMatchObject({
      group: 'portfolio-manager',
      all: false,
      filter: { types: ['order.*'] },
      settings: { concurrency: 4 },
    });
    expect(o.consume?.types).toEqual(
      expect.arrayContaining(['order.updated', 'order.placed', 'order.filled']),
    );
    expect(o.publishTypes).toEqual(expandEventTypes('all', 'x'));
    expect(resolveEventBusOptions({ service: 'order-api', publish: [] }).publishTypes).toEqual([]);
  });

  it('consumes everything without a type filter for "all"', () => {
    const o = resolveEventBusOptions({
      service: 'notifier',
      consume: { types: 'all', group: 'notifier-sinks' },
    });
    expect(o.consume).toMatchObject({ group: 'notifier-sinks', all: true, filter: { types: undefined } });
  });

  it('lists every invalid option', () => {
    expect(() =>
      resolveEventBusOptions({
        service: 'Order API',
        consume: { types: ['order.updated'], concurrency: 0 },
        lagIntervalMs: -1,
      }),
    ).toThrow(/service[\s\S]*consume\.concurrency[\s\S]*lagIntervalMs/);
  });
});
