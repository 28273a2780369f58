import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, startRedisServer, testPrefix, waitFor, type RedisServerHandle } from '@fillwire/testing';
import { BusUnavailableError } from './bus-unavailable.error';
import { EventConsumer } from './event-consumer';
import { EventPublisher } from './event-publisher';
import { testEnvelope } from './testing/test-envelope';

// Real processes and Redis on a shared 2-core machine: generous bounds, the tests finish in seconds.
jest.setTimeout(60_000);

describe('Redis outage (own redis-server with AOF, appendfsync always)', () => {
  let server: RedisServerHandle;
  let publisher: EventPublisher;
  let consumer: EventConsumer;

  beforeAll(async () => {
    server = await startRedisServer({ aof: true, fsync: 'always' });
  });
  afterAll(() => server.stop());
  afterEach(async () => {
    await consumer?.close();
    await publisher?.close();
  });

  it('loses nothing acknowledged across kill -9 and restart; publishes during the outage fail fast; consumers resume', async () => {
    const prefix = testPrefix('outage');
    const handled = new Set<string>();
    publisher = new EventPublisher({ url: server.url, prefix, commandTimeoutMs: 500 });
    consumer = new EventConsumer({
      url: server.url,
      prefix,
      group: 'svc',
      startId: '0',
      claimIdleMs: 200,
      claimIntervalMs: 100,
      handler: async (e) => {
        // Slow enough that the consumer is mid-stream when Redis dies.
        await sleep(2);
        handled.add(e.id);
      },
    });
    await publisher.connect();
    await consumer.start();

    const acknowledged: string[] = [];
    const publishBatch = async (from: number, n: number) => {
      const batch = Array.from({ length: n }, (_, i) => testEnvelope(from + i));
      await publisher.publishMany(batch);
      acknowledged.push(...batch.map((e) => e.id));
    };
    await publishBatch(0, 300);
    await server.kill();
    expect(handled.size).toBeLessThan(300);

    const started = Date.now();
    await expect(publisher.publish(testEnvelope('during-outage'))).rejects.toBeInstanceOf(
      BusUnavailableError,
    );
    await expect(publisher.publishMany([testEnvelope('during-outage-2')])).rejects.toThrow(
      /event bus: could not publish/,
    );
    // Fail fast: the caller learns at once instead of waiting for Redis to come back.
    expect(Date.now() - started).toBeLessThan(1000);

    await server.restart();
    await publisher.connect(10_000);
    await publishBatch(300, 300);

    await waitFor(() => acknowledged.every((id) => handled.has(id)), {
      timeoutMs: 20_000,
      what: 'every acknowledged event handled after the restart',
    });
    expect(handled.has('evt-during-outage')).toBe(false);
  });

  it('a consumer started before Redis is up waits for it instead of failing', async () => {
    const port = await freePort();
    const prefix = testPrefix('late');
    const handled: string[] = [];
    consumer = new EventConsumer({
      url: `redis://127.0.0.1:${port}`,
      prefix,
      group: 'svc',
      startId: '0',
      handler: (e) => void handled.push(e.id),
    });
    const started = consumer.start();
    // Producers, on the other hand, fail fast.
    publisher = new EventPublisher({ url: `redis://127.0.0.1:${port}`, prefix, commandTimeoutMs: 300 });
    await expect(publisher.publish(testEnvelope(1))).rejects.toBeInstanceOf(BusUnavailableError);
    const late = await startRedisServer({ port });
    try {
      await started;
      await publisher.connect(10_000);
      await publisher.publish(testEnvelope(2));
      await waitFor(() => handled.includes('evt-2'));
    } finally {
      await consumer.close();
      await publisher.close();
      await late.stop();
    }
  });
});
