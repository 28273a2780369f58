import { Inject, Injectable, Module, type INestApplication, type OnModuleInit } from '@nestjs/common';
import { BaseConfigSchema } from '@fillwire/config';
import { EventEngine } from '@fillwire/event-engine';
import { createEnvelope, EVENT_SAMPLES, type EventEnvelope } from '@fillwire/events';
import { createServiceApp } from '@fillwire/observability';
import { startRedisServer, testPrefix, testRedisUrl, waitFor } from '@fillwire/testing';
import Redis from 'ioredis';
import { ulid } from 'ulid';
import { EventPublisher } from '../event-publisher';
import { JobQueues } from '../job-queues';
import type { EventBusModuleOptions, FillwireEventMap } from './event-bus-options';
import { EventBusModule } from './event-bus.module';
import { OnEvent } from './on-event';

jest.setTimeout(30_000);

const TOKEN = 'admin-token-for-tests-0123456789';
const SINK = Symbol('sink');
type Sink = (event: EventEnvelope) => void | Promise<void>;

/** Handles order.updated declaratively. */
@Injectable()
class DeclaredHandler {
  constructor(@Inject(SINK) private readonly sink: Sink) {}

  @OnEvent('order.updated')
  onOrder(event: EventEnvelope): void | Promise<void> {
    return this.sink(event);
  }
}

/** Handles order.updated the imperative way. */
@Injectable()
class RegisteredHandler implements OnModuleInit {
  constructor(
    private readonly engine: EventEngine<FillwireEventMap>,
    @Inject(SINK) private readonly sink: Sink,
  ) {}

  onModuleInit(): void {
    this.engine.register('order.updated', (event) => this.sink(event));
  }
}

interface Booted {
  app: INestApplication;
  url: string;
  close(): Promise<void>;
}

const booted: Booted[] = [];

async function boot(
  bus: EventBusModuleOptions,
  opts: {
    redisUrl: string;
    prefix: string;
    sink?: Sink;
    handler?: 'declared' | 'registered';
    token?: string;
  },
): Promise<Booted> {
  const handlers = opts.sink ? [opts.handler === 'registered' ? RegisteredHandler : DeclaredHandler] : [];
  @Module({
    imports: [EventBusModule.forRoot(bus)],
    providers: [{ provide: SINK, useValue: opts.sink ?? (() => undefined) }, ...handlers],
  })
  class TestAppModule {}
  const config = BaseConfigSchema.parse({
    REDIS_URL: opts.redisUrl,
    FILLWIRE_PREFIX: opts.prefix,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    FILLWIRE_ADMIN_TOKEN: opts.token,
  });
  const app = await createServiceApp(TestAppModule, bus.service, config);
  let closed = false;
  const entry: Booted = {
    app,
    url: '',
    close: async () => {
      if (closed) return;
      closed = true;
      await app.close();
    },
  };
  booted.push(entry);
  await app.listen(0, '127.0.0.1');
  entry.url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return entry;
}

afterEach(async () => {
  await Promise.all(booted.splice(0).map((b) => b.close()));
});

function orderEvent(): EventEnvelope {
  return createEnvelope('order.updated', EVENT_SAMPLES['order.updated'], {
    source: 'zerodha-postback',
    id: `test-${ulid()}`,
  });
}

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const get = (url: string, token?: string) =>
  fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });

describe('EventBusModule', () => {
  it('carries an event put into one app engine to the engine handler of another app group', async () => {
    const redisUrl = await testRedisUrl();
    const prefix = testPrefix('nest');
    const handled = deferred<EventEnvelope>();
    const portfolio = await boot(
      { service: 'portfolio-manager', consume: { types: ['order.updated'] } },
      { redisUrl, prefix, sink: (e) => handled.resolve(e) },
    );
    await waitFor(async () => (await get(`${portfolio.url}/ready`)).status === 200, { what: '/ready' });
    const gateway = await boot({ service: 'zerodha-postback', publish: ['order.*'] }, { redisUrl, prefix });

    const event = orderEvent();
    gateway.app
      .get<EventEngine<FillwireEventMap>>(EventEngine)
      .put(event as FillwireEventMap['order.updated']);
    const seen = await handled.promise;
    expect(seen).toEqual(event);

    const metrics = await (await get(`${portfolio.url}/metrics`)).text();
    expect(metrics).toMatch(/fillwire_bus_events_handled_total\{[^}]*group="portfolio-manager"[^}]*\} 1/);
    expect(metrics).toMatch(/fillwire_bus_handle_latency_seconds_count\{[^}]*group="portfolio-manager"/);
    for (const name of [
      'fillwire_bus_group_pending_entries',
      'fillwire_bus_group_lag_entries',
      'fillwire_bus_event_log_length_entries',
      'fillwire_bus_events_dead_lettered_total',
      'fillwire_bus_events_reclaimed_total',
      'fillwire_engine_queued_events',
    ])
      expect(metrics).toContain(name);
    const gatewayMetrics = await (await get(`${gateway.url}/metrics`)).text();
    expect(gatewayMetrics).toMatch(/fillwire_bus_published_total\{[^}]*outcome="published"[^}]*\} 1/);
  });

  it('dead-letters a failing handler on the bus, lists it on GET /admin/dlq and replays it', async () => {
    const redisUrl = await testRedisUrl();
    const prefix = testPrefix('nest');
    let failures = 1;
    const handled = deferred<EventEnvelope>();
    const app = await boot(
      {
        service: 'portfolio-manager',
        consume: { types: ['order.updated'], maxDeliveries: 1 },
        queues: ['fills'],
      },
      {
        redisUrl,
        prefix,
        handler: 'registered',
        token: TOKEN,
        sink: (e) => {
          if (failures-- > 0) throw new Error('position store down');
          handled.resolve(e);
        },
      },
    );
    await waitFor(async () => (await get(`${app.url}/ready`)).status === 200, { what: '/ready' });
    const jobs = app.app.get(JobQueues);
    const event = orderEvent();
    await app.app.get(EventPublisher).publish(event);

    const list = await waitFor(
      async () => {
        const body = (await (await get(`${app.url}/admin/dlq`, TOKEN)).json()) as {
          events: { ref: string; error: string; group: string; envelope?: EventEnvelope }[];
          jobs: unknown[];
        };
        return body.events.length > 0 ? body : undefined;
      },
      { what: 'a dead letter' },
    );
    const [letter] = list.events;
    expect(letter).toMatchObject({ group: 'portfolio-manager', error: 'position store down' });
    expect(letter.envelope?.id).toBe(event.id);
    expect(list.jobs).toEqual([]);

    expect((await get(`${app.url}/admin/dlq`)).status).toBe(401);
    expect((await get(`${app.url}/admin/dlq`, `${TOKEN}x`)).status).toBe(401);
    expect((await get(`${app.url}/admin/dlq/${letter.ref}`, TOKEN)).status).toBe(200);
    expect((await get(`${app.url}/admin/dlq/1-0`, TOKEN)).status).toBe(404);
    expect((await get(`${app.url}/admin/dlq/not-a-ref`, TOKEN)).status).toBe(400);

    const replay = await fetch(`${app.url}/admin/dlq/${letter.ref}/replay`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(replay.status).toBe(200);
    expect(await replay.json()).toMatchObject({ kind: 'event', group: 'portfolio-manager' });
    expect((await handled.promise).id).toBe(event.id);

    // The jobs layer: a job that failed for good is listed and retried through the same endpoints.
    const worker = jobs.worker('fills', () => Promise.reject(new Error('webhook 500')), { autorun: false });
    const queue = jobs.queue('fills');
    await queue.add('deliver', { n: 1 }, { jobId: 'deliver.1', attempts: 1 });
    const failed = new Promise((resolve) => worker.once('failed', resolve));
    void worker.run();
    await failed;
    const jobRef = encodeURIComponent('fills/deliver.1');
    const shown = (await (await get(`${app.url}/admin/dlq/${jobRef}`, TOKEN)).json()) as {
      failedReason: string;
    };
    expect(shown.failedReason).toBe('webhook 500');
    const retried = await fetch(`${app.url}/admin/dlq/fills/deliver.1/replay`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(retried.status).toBe(200);
  });

  it('answers 403 on the admin endpoints when no admin token is configured', async () => {
    const app = await boot(
      { service: 'notifier' },
      { redisUrl: await testRedisUrl(), prefix: testPrefix('nest') },
    );
    const res = await get(`${app.url}/admin/dlq`, TOKEN);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('admin disabled');
  });

  it('refuses to start when a consumed type has no handler, naming it', async () => {
    const config = { redisUrl: await testRedisUrl(), prefix: testPrefix('nest'), sink: () => undefined };
    await expect(
      boot({ service: 'portfolio-manager', consume: { types: ['order.updated', 'trade.executed'] } }, config),
    ).rejects.toThrow(/no handler registered: trade\.executed\./);
    await expect(
      boot(
        { service: 'notifier', consume: { types: ['order.updatd'] as unknown as ['order.updated'] } },
        config,
      ),
    ).rejects.toThrow(/"order\.updatd" is not a bus event/);
  });

  it('on close, finishes the handler in flight and acks its entry before the connections go', async () => {
    const redisUrl = await testRedisUrl();
    const prefix = testPrefix('nest');
    const started = deferred<void>();
    const release = deferred<void>();
    let finished = false;
    const app = await boot(
      { service: 'portfolio-manager', consume: { types: ['order.updated'] } },
      {
        redisUrl,
        prefix,
        sink: async () => {
          started.resolve();
          await release.promise;
          finished = true;
        },
      },
    );
    await waitFor(async () => (await get(`${app.url}/ready`)).status === 200, { what: '/ready' });
    await app.app.get(EventPublisher).publish(orderEvent());
    await started.promise;

    const closing = app.close();
    const redis = new Redis(redisUrl);
    try {
      // Shutting down (readiness says so at once) but still draining: not done until the handler is.
      await waitFor(async () => (await get(`${app.url}/ready`)).status === 503, { what: '/ready 503' });
      expect(finished).toBe(false);
      release.resolve();
      await closing;
      expect(finished).toBe(true);
      const [pending] = (await redis.xpending(`${prefix}:events`, 'portfolio-manager')) as [number];
      expect(pending).toBe(0);
    } finally {
      redis.disconnect();
    }
  });

  it('reports readiness with Redis and closes every connection and handle on app.close()', async () => {
    const redis = await startRedisServer();
    const probe = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    const sockets = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
    try {
      const before = sockets();
      const app = await boot(
        { service: 'portfolio-manager', consume: { types: ['order.updated'] }, queues: ['fills'] },
        { redisUrl: redis.url, prefix: testPrefix('nest'), sink: () => undefined },
      );
      await waitFor(async () => (await get(`${app.url}/ready`)).status === 200, { what: '/ready' });
      app.app.get(JobQueues).worker('fills', () => Promise.resolve());

      await redis.kill();
      const down = await waitFor(
        async () => {
          const res = await get(`${app.url}/ready`);
          return res.status === 503 ? ((await res.json()) as { failing: string[] }) : undefined;
        },
        { what: '/ready 503' },
      );
      expect(down.failing).toEqual(expect.arrayContaining(['redis', 'event-bus']));
      await redis.restart();
      await waitFor(async () => (await get(`${app.url}/ready`)).status === 200, {
        what: '/ready again',
        timeoutMs: 15_000,
      });

      await probe.connect();
      const clients = async () =>
        String(await probe.call('CLIENT', 'LIST'))
          .split('\n')
          .filter((line) => line.trim() && !line.includes('cmd=client|list'));
      expect((await clients()).length).toBeGreaterThan(3);
      await app.close();
      // Bounded: every bus connection is gone from the server and from this process.
      await waitFor(async () => (await clients()).length === 0, {
        what: 'no Redis clients',
        timeoutMs: 5000,
      });
      probe.disconnect();
      await waitFor(() => sockets() <= before, { what: 'sockets closed', timeoutMs: 5000 });
    } finally {
      probe.disconnect();
      await redis.stop();
    }
  });

  it('still closes well inside the 10 s shutdown limit when Redis is gone', async () => {
    const redis = await startRedisServer();
    try {
      const app = await boot(
        { service: 'portfolio-manager', consume: { types: ['order.updated'] }, queues: ['fills'] },
        { redisUrl: redis.url, prefix: testPrefix('nest'), sink: () => undefined },
      );
      app.app.get(JobQueues).worker('fills', () => Promise.resolve());
      await waitFor(async () => (await get(`${app.url}/ready`)).status === 200, { what: '/ready' });
      await redis.kill();
      await waitFor(async () => (await get(`${app.url}/ready`)).status === 503, { what: '/ready 503' });
      const started = performance.now();
      await app.close();
      // A bound, not a benchmark: bootService gives up (exit 1) at 10 s.
      expect(performance.now() - started).toBeLessThan(6000);
    } finally {
      await redis.stop();
    }
  });
});
