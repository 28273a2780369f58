import { EventEngine } from '@fillwire/event-engine';
import type { EventEnvelope } from '@fillwire/events';
import { testPrefix, testRedisUrl, waitFor } from '@fillwire/testing';
import Redis from 'ioredis';
import { busKeys } from './bus-keys';
import { EventBusBridge } from './event-bus-bridge';
import { EventConsumer } from './event-consumer';
import { EventPublisher } from './event-publisher';
import { testEnvelope } from './testing/test-envelope';

type Events = Record<string, EventEnvelope>;

// Real processes and Redis on a shared 2-core machine: generous bounds, the tests finish in seconds.
jest.setTimeout(30_000);

describe('EventBusBridge with the in-process EventEngine', () => {
  it('forwards bus-bound local events to the bus and puts bus events into the other service engine', async () => {
    const url = await testRedisUrl();
    const prefix = testPrefix('bridge');
    const redis = new Redis(url);
    // Service A (a gateway) produces; service B (portfolio) consumes; both only talk to their engines.
    const engineA = new EventEngine<Events>({ timerIntervalMs: 0 });
    const engineB = new EventEngine<Events>({ timerIntervalMs: 0 });
    const pubA = new EventPublisher({ url, prefix });
    const pubB = new EventPublisher({ url, prefix });
    const bridgeA = new EventBusBridge(engineA, pubA, { busBound: { types: ['order.*'] } });
    const bridgeB = new EventBusBridge(engineB, pubB, { busBound: { types: ['position.updated'] } });
    const consumerB = new EventConsumer({
      url,
      prefix,
      group: 'portfolio-manager',
      startId: '0',
      handler: bridgeB.handler,
    });
    const seenByB: string[] = [];
    try {
      engineB.register('order.updated', (e) => {
        seenByB.push(e.id);
        // B's handler reacts with a bus-bound event of its own.
        engineB.put(testEnvelope(`pos-${e.id}`, { type: 'position.updated' }));
      });
      for (const [engine, bridge] of [
        [engineA, bridgeA],
        [engineB, bridgeB],
      ] as const) {
        bridge.start();
        engine.start();
      }
      await consumerB.start();

      engineA.put(testEnvelope('o1'));
      engineA.put(testEnvelope('local-only', { type: 'broker.connected' }));
      await waitFor(() => seenByB.includes('evt-o1'));
      const log = async () =>
        (await redis.xrange(busKeys(prefix).events, '-', '+')).map(
          ([, f]) => (JSON.parse(f[1]) as EventEnvelope).id,
        );
      await waitFor(async () => (await log()).includes('evt-pos-evt-o1'));
      // order.updated once (B did not echo it back), its position.updated once, nothing local-only.
      expect(await log()).toEqual(['evt-o1', 'evt-pos-evt-o1']);
      expect(seenByB).toEqual(['evt-o1']);
      // The bus entry is acked once B's engine handled it (the ack rides with the consumer's next read).
      await waitFor(
        async () =>
          ((await redis.call('XPENDING', busKeys(prefix).events, 'portfolio-manager')) as [number])[0] === 0,
        { what: 'the entry acked' },
      );
    } finally {
      await consumerB.close();
      bridgeA.stop();
      bridgeB.stop();
      await Promise.all([engineA.stop(), engineB.stop(), pubA.close(), pubB.close()]);
      await redis.quit();
    }
  });
});
