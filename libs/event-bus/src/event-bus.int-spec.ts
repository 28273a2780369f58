import { testPrefix, testRedisUrl, waitFor } from '@fillwire/testing';
import { createEnvelope, EVENT_SAMPLES, parseEnvelope, type EventEnvelope } from '@fillwire/events';
import Redis from 'ioredis';
import { Registry } from 'prom-client';
import { BusAdminService } from './bus-admin.service';
import { busKeys } from './bus-keys';
import { EventConsumer, type EventConsumerOptions, type HandlerContext } from './event-consumer';
import { EventPublisher } from './event-publisher';
import { EventReader } from './event-reader';
import { LagMonitor, type GroupLag } from './lag-monitor';
import { testEnvelope } from './testing/test-envelope';

// Real processes and Redis on a shared 2-core machine: generous bounds, the tests finish in seconds.
jest.setTimeout(30_000);

describe('event bus (Redis Streams)', () => {
  let url: string;
  let prefix: string;
  let redis: Redis;
  const closers: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    url = await testRedisUrl();
    redis = new Redis(url);
  });
  afterAll(() => redis.quit());
  beforeEach(() => {
    prefix = testPrefix('bus');
  });
  afterEach(async () => {
    while (closers.length) await closers.pop()!();
  });

  const publisher = async (): Promise<EventPublisher> => {
    const p = new EventPublisher({ url, prefix });
    closers.push(() => p.close());
    await p.connect();
    return p;
  };
  const consumer = async (opts: Omit<EventConsumerOptions, 'url' | 'prefix'>): Promise<EventConsumer> => {
    const c = new EventConsumer({ url, prefix, startId: '0', ...opts });
    closers.push(() => c.close());
    await c.start();
    return c;
  };
  /** Collects what a group handles and resolves when `n` events arrived. */
  const collector = () => {
    const seen: EventEnvelope[] = [];
    const contexts: HandlerContext[] = [];
    let waiters: { n: number; resolve: () => void }[] = [];
    return {
      seen,
      contexts,
      handler: (e: EventEnvelope, ctx: HandlerContext) => {
        seen.push(e);
        contexts.push(ctx);
        waiters = waiters.filter((w) => (seen.length >= w.n ? (w.resolve(), false) : true));
      },
      count: (n: number) =>
        seen.length >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve })),
    };
  };

  it('fans one publish out to every subscribing service (one group each)', async () => {
    const pub = await publisher();
    const portfolio = collector();
    const notifier = collector();
    await consumer({ group: 'portfolio-manager', handler: portfolio.handler });
    await consumer({ group: 'notifier', handler: notifier.handler });

    const results = await pub.publishMany(Array.from({ length: 50 }, (_, i) => testEnvelope(i)));
    expect(results.every((r) => !r.duplicate)).toBe(true);
    await Promise.all([portfolio.count(50), notifier.count(50)]);

    const ids = (c: typeof portfolio) => c.seen.map((e) => e.id).sort();
    expect(ids(portfolio)).toEqual(ids(notifier));
    expect(new Set(ids(portfolio)).size).toBe(50);
    expect(await redis.xlen(busKeys(prefix).events)).toBe(50);
    const [entryId, fields] = (await redis.xrange(busKeys(prefix).events, '-', '+', 'COUNT', 1))[0];
    expect(entryId).toBe(results[0].entryId);
    expect(fields[0]).toBe('envelope');
    expect(JSON.parse(fields[1])).toMatchObject({ id: 'evt-0', type: 'order.updated' });
  });

  it('publishes issued before the first connection is up wait for it instead of failing', async () => {
    // A service's first events (e.g. broker.connected) race its Redis connect.
    const p = new EventPublisher({ url, prefix });
    closers.push(() => p.close());
    const results = await Promise.all([1, 2, 3].map((i) => p.publish(testEnvelope(`early-${i}`))));
    expect(results.map((r) => r.duplicate)).toEqual([false, false, false]);
    expect(await redis.xlen(busKeys(prefix).events)).toBe(3);
  });

  it('publishes a duplicate envelope id once and delivers it once', async () => {
    const pub = await publisher();
    const first = await pub.publish(testEnvelope('dup'));
    const again = await pub.publish(testEnvelope('dup', { data: { changed: true } }));
    expect(again).toEqual({ entryId: first.entryId, duplicate: true });
    const [inBatch] = await pub.publishMany([testEnvelope('dup')]);
    expect(inBatch.duplicate).toBe(true);

    const c = collector();
    await consumer({ group: 'svc', handler: c.handler });
    await pub.publish(testEnvelope('after'));
    await c.count(2);
    expect(c.seen.map((e) => e.id)).toEqual(['evt-dup', 'evt-after']);
    expect(await redis.xlen(busKeys(prefix).events)).toBe(2);
  });

  it('rejects an invalid envelope before it reaches Redis', async () => {
    const pub = await publisher();
    await expect(pub.publish({ ...testEnvelope(1), type: 'Not A Type' })).rejects.toThrow(/event type/);
    expect(await redis.exists(busKeys(prefix).events)).toBe(0);
  });

  it('publishes an envelope built by createEnvelope as it is (checked once, when built)', async () => {
    const pub = await publisher();
    const env = createEnvelope('order.updated', EVENT_SAMPLES['order.updated'], {
      source: 'test',
      channel: 'postback',
      receivedAt: 1.25,
    });
    const { entryId } = await pub.publish(env);
    const [[, fields]] = (await redis.xrange(busKeys(prefix).events, entryId, entryId)) as [
      string,
      string[],
    ][];
    expect(fields[0]).toBe('envelope');
    expect(fields[1]).toBe(JSON.stringify(env));
    expect(parseEnvelope(fields[1])).toEqual(env);
  });

  it('with autoPipeline, publishes issued together share a write and each resolves with its own outcome', async () => {
    const pub = new EventPublisher({ url, prefix, autoPipeline: true });
    closers.push(() => pub.close());
    await pub.connect();
    const ids = Array.from({ length: 40 }, (_, i) => `ap-${i % 30}`);
    const results = await Promise.all(ids.map((id) => pub.publish(testEnvelope(id))));
    expect(results.filter((r) => r.duplicate)).toHaveLength(10);
    expect(new Set(results.map((r) => r.entryId)).size).toBe(30);
    expect(results[35].entryId).toBe(results[5].entryId);
    expect(await redis.xlen(busKeys(prefix).events)).toBe(30);
  });

  it('filters by type, user and account at the subscriber and acks what it skips', async () => {
    const pub = await publisher();
    const c = collector();
    await consumer({
      group: 'svc',
      handler: c.handler,
      filter: { types: ['order.*'], userIds: ['u1'], accountIds: ['A1'] },
    });
    await pub.publishMany([
      testEnvelope(1, { userId: 'u1', accountId: 'A1' }),
      testEnvelope(2, { userId: 'u2', accountId: 'A1' }),
      testEnvelope(3, { userId: 'u1', accountId: 'A1', type: 'position.updated' }),
      testEnvelope(4, { userId: 'u1', accountId: 'A2' }),
      testEnvelope(5, { userId: 'u1', accountId: 'A1', type: 'order.filled' }),
    ]);
    await c.count(2);
    expect(c.seen.map((e) => e.id)).toEqual(['evt-1', 'evt-5']);
    await waitFor(
      async () => ((await redis.call('XPENDING', busKeys(prefix).events, 'svc')) as [number])[0] === 0,
      {
        what: 'skipped entries acked',
      },
    );
    const [info] = (await redis.call('XINFO', 'GROUPS', busKeys(prefix).events)) as string[][];
    expect(info[info.indexOf('entries-read') + 1]).toBe(5);
  });

  it('retries a failing handler, dead-letters it after maxDeliveries, and a replay reaches only that group', async () => {
    const pub = await publisher();
    const registry = new Registry();
    let broken = true;
    const attempts: number[] = [];
    const handled = collector();
    const other = collector();
    await consumer({
      group: 'portfolio-manager',
      maxDeliveries: 3,
      claimIdleMs: 50,
      claimIntervalMs: 25,
      registry,
      handler: (e, ctx) => {
        if (e.id === 'evt-poison' && broken) {
          attempts.push(ctx.deliveries);
          throw new Error(`cannot apply ${e.id}`);
        }
        handled.handler(e, ctx);
      },
    });
    await consumer({ group: 'notifier', handler: other.handler });
    const { entryId } = await pub.publish(testEnvelope('poison'));
    await pub.publish(testEnvelope('fine'));

    const admin = new BusAdminService({ url, prefix });
    closers.push(() => admin.close());
    const [letter] = await waitFor(
      async () => {
        const list = await admin.listDeadLetters();
        return list.length ? list : undefined;
      },
      { what: 'the dead letter' },
    );
    expect(attempts).toEqual([1, 2, 3]);
    expect(letter).toMatchObject({
      group: 'portfolio-manager',
      originalId: entryId,
      stream: busKeys(prefix).events,
      error: 'cannot apply evt-poison',
      deliveries: 3,
      envelope: { id: 'evt-poison' },
    });
    expect(await admin.getDeadLetter(letter.id)).toEqual(letter);
    await waitFor(
      async () =>
        ((await redis.call('XPENDING', busKeys(prefix).events, 'portfolio-manager')) as [number])[0] === 0,
      { what: 'nothing pending once dead-lettered' },
    );
    const metrics = await registry.getMetricsAsJSON();
    const value = (name: string) => metrics.find((m) => m.name === name)?.values[0]?.value;
    expect(value('fillwire_bus_events_failed_total')).toBe(3);
    expect(value('fillwire_bus_events_dead_lettered_total')).toBe(1);
    expect(value('fillwire_bus_events_reclaimed_total')).toBe(2);

    broken = false;
    const replay = await admin.replayDeadLetter(letter.id);
    expect(replay.group).toBe('portfolio-manager');
    await handled.count(2);
    expect(handled.seen.map((e) => e.id).sort()).toEqual(['evt-fine', 'evt-poison']);
    expect(handled.contexts.find((c) => c.replay)).toMatchObject({
      deliveries: 1,
      stream: busKeys(prefix).retry('portfolio-manager'),
    });
    expect(await admin.listDeadLetters()).toEqual([]);
    await expect(admin.replayDeadLetter(letter.id)).rejects.toThrow(/no dead letter/);
    // The notifier group handled the poison event once and never sees the replay.
    await pub.publish(testEnvelope('marker'));
    await other.count(3);
    expect(other.seen.map((e) => e.id)).toEqual(['evt-poison', 'evt-fine', 'evt-marker']);
  });

  it('dead-letters an entry that is not a valid envelope at once', async () => {
    const c = collector();
    await consumer({ group: 'svc', handler: c.handler });
    await redis.xadd(busKeys(prefix).events, '*', 'envelope', '{"nope":true}');
    const admin = new BusAdminService({ url, prefix });
    closers.push(() => admin.close());
    const [letter] = await waitFor(async () => {
      const list = await admin.listDeadLetters({ group: 'svc' });
      return list.length ? list : undefined;
    });
    expect(letter.error).toMatch(/invalid envelope/);
    expect(letter.deliveries).toBe(1);
    expect(letter.envelope).toBeUndefined();
    expect(c.seen).toEqual([]);
  });

  it('runs handlers sequentially by default and up to `concurrency` at once when asked', async () => {
    const pub = await publisher();
    const measure = () => {
      let running = 0;
      let peak = 0;
      let done = 0;
      return {
        handler: async () => {
          peak = Math.max(peak, ++running);
          await new Promise((r) => setTimeout(r, 5));
          running--;
          done++;
        },
        peak: () => peak,
        done: () => done,
      };
    };
    const sequential = measure();
    const parallel = measure();
    await consumer({ group: 'sequential', handler: sequential.handler });
    await consumer({ group: 'parallel', handler: parallel.handler, concurrency: 4 });
    await pub.publishMany(Array.from({ length: 40 }, (_, i) => testEnvelope(i)));
    await waitFor(() => sequential.done() === 40 && parallel.done() === 40, { what: 'both groups done' });
    expect(sequential.peak()).toBe(1);
    expect(parallel.peak()).toBe(4);
  });

  it('reads the log from any id without a group, filtered, and tails new events', async () => {
    const pub = await publisher();
    const published = await pub.publishMany([
      testEnvelope(1, { userId: 'demo' }),
      testEnvelope(2, { userId: 'demo2', accountId: 'CD5678' }),
      testEnvelope(3, { userId: 'demo' }),
    ]);
    const reader = new EventReader({ url, prefix });
    closers.push(() => reader.close());
    const all = [];
    for await (const e of reader.read()) all.push(e.id);
    expect(all).toEqual(published.map((r) => r.entryId));

    const demo = [];
    for await (const e of reader.read({ filter: { userIds: ['demo'] } })) demo.push(e.envelope.id);
    expect(demo).toEqual(['evt-1', 'evt-3']);

    const after = [];
    for await (const e of reader.readFrom(published[0].entryId, { filter: { accountIds: ['CD5678'] } }))
      after.push(e.envelope.id);
    expect(after).toEqual(['evt-2']);

    const tail = reader.read({ from: '$', follow: true, limit: 2, blockMs: 200 });
    const first = tail.next();
    await pub.publishMany([testEnvelope(4), testEnvelope(5)]);
    expect((await first).value).toMatchObject({ envelope: { id: 'evt-4' } });
    expect((await tail.next()).value).toMatchObject({ envelope: { id: 'evt-5' } });
    expect((await tail.next()).done).toBe(true);
  });

  it('reports lag and pending per group and alerts when the backlog nears the retention', async () => {
    const pub = await publisher();
    // A group that exists but whose consumers are all down.
    await redis.xgroup('CREATE', busKeys(prefix).events, 'stalled', '$', 'MKSTREAM');
    await consumer({ group: 'healthy', handler: () => undefined });
    await pub.publishMany(Array.from({ length: 850 }, (_, i) => testEnvelope(i)));
    const alerts: GroupLag[] = [];
    const registry = new Registry();
    const monitor = new LagMonitor({
      url,
      prefix,
      retention: { maxLen: 1000 },
      alertRatio: 0.8,
      onAlert: (g) => alerts.push(g),
      registry,
    });
    closers.push(() => monitor.close());
    const status = await waitFor(async () => {
      const s = await monitor.check();
      return s.groups.find((g) => g.group === 'healthy')?.lag === 0 ? s : undefined;
    });
    expect(status.length).toBe(850);
    expect(status.groups.find((g) => g.group === 'stalled')).toMatchObject({
      lag: 850,
      pending: 0,
      retentionRatio: 0.85,
    });
    expect(alerts.map((a) => a.group)).toContain('stalled');
    expect(alerts.map((a) => a.group)).not.toContain('healthy');
    const text = await registry.metrics();
    expect(text).toContain('fillwire_bus_group_lag_entries{group="stalled"} 850');
    expect(text).toContain('fillwire_bus_event_log_length_entries 850');
  });

  it('measures a backlog against an age retention by its oldest unhandled entry', async () => {
    const events = busKeys(prefix).events;
    const now = Date.now();
    await redis.xadd(events, `${now - 50_000}-0`, 'envelope', '{}');
    await redis.xadd(events, `${now - 1000}-0`, 'envelope', '{}');
    await redis.xgroup('CREATE', events, 'behind', '0');
    await redis.xgroup('CREATE', events, 'current', '$');
    const alerts: string[] = [];
    const monitor = new LagMonitor({
      url,
      prefix,
      retention: { maxAgeMs: 60_000 },
      onAlert: (g) => alerts.push(g.group),
    });
    closers.push(() => monitor.close());
    const { groups } = await monitor.check(now);
    const behind = groups.find((g) => g.group === 'behind')!;
    expect(behind.oldestUnhandledAgeMs).toBe(50_000);
    expect(behind.retentionRatio).toBeCloseTo(50_000 / 60_000);
    expect(groups.find((g) => g.group === 'current')).toMatchObject({
      lag: 0,
      oldestUnhandledAgeMs: null,
      retentionRatio: 0,
    });
    expect(alerts).toEqual(['behind']);
  });

  it('keeps the log within its retention by length', async () => {
    const pub = new EventPublisher({ url, prefix, retention: { maxLen: 1000 } });
    closers.push(() => pub.close());
    for (let i = 0; i < 5; i++)
      await pub.publishMany(Array.from({ length: 1000 }, (_, j) => testEnvelope(i * 1000 + j)));
    const length = await redis.xlen(busKeys(prefix).events);
    // MAXLEN ~ trims whole radix-tree nodes (100 entries by default), never below the limit.
    expect(length).toBeGreaterThanOrEqual(1000);
    expect(length).toBeLessThan(1200);
  });

  it('keeps the log within its retention by age', async () => {
    const events = busKeys(prefix).events;
    // 300 entries from 1970, then one publish with a one-minute retention trims them (whole nodes: MINID ~).
    const old = redis.pipeline();
    for (let i = 0; i < 300; i++) old.xadd(events, `1000-${i}`, 'envelope', '{}');
    await old.exec();
    const pub = new EventPublisher({ url, prefix, retention: { maxAgeMs: 60_000 } });
    closers.push(() => pub.close());
    const { entryId } = await pub.publish(testEnvelope('fresh'));
    const remaining = await redis.xrange(events, '-', '+');
    expect(remaining.length).toBeLessThanOrEqual(101);
    expect(remaining[remaining.length - 1][0]).toBe(entryId);
  });

  it('close() does not wait forever for a handler that never returns', async () => {
    const pub = await publisher();
    let entered!: () => void;
    const inHandler = new Promise<void>((resolve) => (entered = resolve));
    const stuck = new EventConsumer({
      url,
      prefix,
      group: 'svc',
      startId: '0',
      handler: () => {
        entered();
        return new Promise(() => undefined);
      },
    });
    await stuck.start();
    await pub.publish(testEnvelope(1));
    await inHandler;
    await stuck.close(200);
    // Not acked: another replica will reclaim it.
    expect(((await redis.call('XPENDING', busKeys(prefix).events, 'svc')) as [number])[0]).toBe(1);
  });
});
