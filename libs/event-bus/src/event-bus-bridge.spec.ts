import type { EventEnvelope } from '@fillwire/events';
import { EventBusBridge, type BridgeEngine } from './event-bus-bridge';
import type { HandlerContext } from './event-consumer';
import { testEnvelope } from './testing/test-envelope';

type General = (event: { type: string; data: unknown }) => void | Promise<void>;

/** A plain fake engine: put() calls the general handlers at once. */
function fakeEngine(accept = true) {
  const generals: General[] = [];
  const engine: BridgeEngine & { generals: General[] } = {
    generals,
    put: (event) => {
      for (const g of generals) void g(event);
      return accept;
    },
    registerGeneral: (h) => void generals.push(h),
    unregisterGeneral: (h) => void generals.splice(generals.indexOf(h), 1),
  };
  return engine;
}

const ctx = {} as HandlerContext;

describe('EventBusBridge', () => {
  it('forwards only bus-bound envelopes, never timer events nor what came from the bus', async () => {
    const published: string[] = [];
    const engine = fakeEngine();
    const bridge = new EventBusBridge(
      engine,
      {
        publish: (e: EventEnvelope) => (
          published.push(e.id),
          Promise.resolve({ entryId: '1-0', duplicate: false })
        ),
      },
      { busBound: { types: ['order.*'] } },
    );
    bridge.start();
    await engine.generals[0](testEnvelope(1));
    await engine.generals[0](testEnvelope(2, { type: 'broker.connected' }));
    await engine.generals[0]({ type: 'timer', data: { seq: 1 } });
    await bridge.handler(testEnvelope(3), ctx);
    expect(published).toEqual(['evt-1']);
    bridge.stop();
    expect(engine.generals).toEqual([]);
  });

  it('forwards nothing without busBound types, and rethrows a failed publish for the engine to isolate', async () => {
    const engine = fakeEngine();
    const failing = { publish: () => Promise.reject(new Error('event bus: Redis down')) };
    new EventBusBridge(engine, failing).start();
    await expect(engine.generals[0](testEnvelope(1))).resolves.toBeUndefined();
    const engine2 = fakeEngine();
    new EventBusBridge(engine2, failing, { busBound: { types: ['order.updated'] } }).start();
    await expect(engine2.generals[0](testEnvelope(1))).rejects.toThrow(/Redis down/);
  });

  it('refuses to ack a bus event the engine dropped', async () => {
    const bridge = new EventBusBridge(fakeEngine(false), {
      publish: () => Promise.reject(new Error('unused')),
    });
    await expect(bridge.handler(testEnvelope(1), ctx)).rejects.toThrow(/queue full/);
  });
});
