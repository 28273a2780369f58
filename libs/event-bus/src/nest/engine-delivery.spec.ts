import { EventEngine } from '@fillwire/event-engine';
import type { EventEnvelope } from '@fillwire/events';
import { EventBusBridge } from '../event-bus-bridge';
import type { HandlerContext } from '../event-consumer';
import { testEnvelope } from '../testing/test-envelope';
import { EngineDelivery } from './engine-delivery';

const ctx: HandlerContext = {
  group: 'g',
  consumer: 'c',
  stream: 's',
  entryId: '1-0',
  deliveries: 1,
  replay: false,
};

function setup(engineOptions: ConstructorParameters<typeof EventEngine>[0] = {}) {
  const engine = new EventEngine<Record<string, EventEnvelope>>({ timerIntervalMs: 0, ...engineOptions });
  const published: EventEnvelope[] = [];
  const delivery = new EngineDelivery(engine);
  const bridge = new EventBusBridge(
    delivery.bridgeEngine,
    {
      publish: (e) => {
        published.push(e);
        return Promise.resolve({ entryId: '1-0', duplicate: false });
      },
    },
    { busBound: { types: ['order.*'] } },
  );
  bridge.start();
  return { engine, published, handle: delivery.consumerHandler(bridge.handler) };
}

describe('EngineDelivery', () => {
  it('resolves once every local handler is done, and never forwards a bus event back', async () => {
    const { engine, published, handle } = setup();
    const done: string[] = [];
    engine.register('order.updated', async (e) => {
      await Promise.resolve();
      done.push(e.id);
    });
    engine.start();
    await handle(testEnvelope(1), ctx);
    expect(done).toEqual(['evt-1']);
    expect(published).toEqual([]);
  });

  it('rejects with the handler error so the bus retries and dead-letters the entry', async () => {
    const { engine, handle } = setup();
    engine.register('order.updated', () => {
      throw new Error('positions down');
    });
    engine.register('order.updated', function other() {});
    engine.start();
    await expect(handle(testEnvelope(2), ctx)).rejects.toThrow('positions down');
  });

  it('joins the messages when several handlers failed', async () => {
    const { engine, handle } = setup();
    engine.register('order.updated', () => {
      throw new Error('a failed');
    });
    engine.register('order.updated', function b() {
      throw new Error('b failed');
    });
    engine.start();
    await expect(handle(testEnvelope(3), ctx)).rejects.toThrow(/2 handlers failed: a failed; b failed/);
  });

  it('rejects when the engine queue refused the event', async () => {
    const { engine, handle } = setup({ capacity: 1 });
    engine.put(testEnvelope('fill', { type: 'position.updated' }));
    await expect(handle(testEnvelope(4, { type: 'position.updated' }), ctx)).rejects.toThrow(/queue full/);
  });
});
