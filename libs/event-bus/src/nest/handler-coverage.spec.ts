import { EventEngine } from '@fillwire/event-engine';
import { unhandledTypes } from './handler-coverage';

describe('unhandledTypes', () => {
  it('names consumed types without a handler; several handlers for one type are fine', () => {
    const engine = new EventEngine({ timerIntervalMs: 0 });
    engine.register('order.updated', () => undefined);
    engine.register('order.updated', function second() {});
    expect(unhandledTypes(engine.stats(), ['order.updated', 'trade.executed'], false)).toEqual([
      'trade.executed',
    ]);
  });

  it('lets a general handler cover every type only when the service consumes all', () => {
    const engine = new EventEngine({ timerIntervalMs: 0 });
    engine.registerGeneral(() => undefined);
    expect(unhandledTypes(engine.stats(), ['order.updated'], false)).toEqual(['order.updated']);
    expect(unhandledTypes(engine.stats(), ['order.updated'], true)).toEqual([]);
  });
});
