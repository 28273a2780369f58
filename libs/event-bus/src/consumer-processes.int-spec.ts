import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { nextEvent, testPrefix, testRedisUrl, waitFor } from '@fillwire/testing';
import Redis from 'ioredis';
import { busKeys } from './bus-keys';
import { EventPublisher } from './event-publisher';
import { testEnvelope } from './testing/test-envelope';

const CHILD = join(__dirname, 'testing', 'consumer-child.ts');

// Real processes and Redis on a shared 2-core machine: generous bounds, the tests finish in seconds.
jest.setTimeout(60_000);

describe('consumer replicas in separate processes', () => {
  let url: string;
  let prefix: string;
  let redis: Redis;
  let publisher: EventPublisher;
  const children = new Set<ChildProcess>();

  beforeAll(async () => {
    url = await testRedisUrl();
    redis = new Redis(url);
  });
  afterAll(() => redis.quit());
  beforeEach(async () => {
    prefix = testPrefix('procs');
    publisher = new EventPublisher({ url, prefix });
    await publisher.connect();
  });
  afterEach(async () => {
    await Promise.all(
      [...children].map(async (child) => {
        if (child.exitCode === null && child.signalCode === null) {
          const exited = nextEvent(child, 'exit', 5000);
          child.kill('SIGTERM');
          await exited.catch(() => child.kill('SIGKILL'));
        }
      }),
    );
    children.clear();
    await publisher.close();
  });

  /** Starts a replica of service `svc` and resolves once it reads from its group. */
  const startReplica = async (
    consumer: string,
    extra: Record<string, string> = {},
  ): Promise<ChildProcess> => {
    const child = fork(CHILD, [], {
      execArgv: ['-r', '@swc-node/register'],
      env: { ...process.env, REDIS_URL: url, PREFIX: prefix, GROUP: 'svc', CONSUMER: consumer, ...extra },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    children.add(child);
    await waitForMessage(child, 'ready');
    return child;
  };

  const publishAll = async (n: number): Promise<void> => {
    for (let i = 0; i < n; i += 500) {
      await publisher.publishMany(
        Array.from({ length: Math.min(500, n - i) }, (_, j) => testEnvelope(i + j)),
      );
    }
  };
  const handledCount = () => redis.scard(`${prefix}:test:handled`);
  const perConsumer = async (key: string): Promise<Record<string, number>> =>
    Object.fromEntries(
      Object.entries(await redis.hgetall(`${prefix}:test:${key}`)).map(([k, v]) => [k, Number(v)]),
    );
  const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

  it('two replicas of one service share 10,000 events, each handled exactly once', async () => {
    await Promise.all([startReplica('a'), startReplica('b')]);
    await publishAll(10_000);
    await waitFor(async () => (await handledCount()) === 10_000, {
      timeoutMs: 30_000,
      intervalMs: 100,
      what: '10,000 handled',
    });

    const counts = await perConsumer('count');
    expect(sum(counts)).toBe(10_000);
    expect(counts.a).toBeGreaterThan(0);
    expect(counts.b).toBeGreaterThan(0);
    await waitFor(
      async () => ((await redis.call('XPENDING', busKeys(prefix).events, 'svc')) as [number])[0] === 0,
      {
        what: 'every entry acked',
      },
    );
  });

  it('reclaims the pending entries of a replica killed with SIGKILL; a restarted replica finishes the stream', async () => {
    // Replica "a" hangs after 300 events, in the middle of a batch: those entries stay pending in its name.
    const a = await startReplica('a', { STUCK_AFTER: '300', CLAIM_IDLE_MS: '300' });
    await publishAll(3000);
    await waitForMessage(a, 'stuck');
    const exited = nextEvent(a, 'exit');
    a.kill('SIGKILL');
    await exited;
    const pendingOfA = (await redis.call(
      'XPENDING',
      busKeys(prefix).events,
      'svc',
      '-',
      '+',
      1000,
      'a',
    )) as unknown[];
    expect(pendingOfA.length).toBeGreaterThan(0);

    await startReplica('a2', { CLAIM_IDLE_MS: '300' });
    await waitFor(async () => (await handledCount()) === 3000, {
      timeoutMs: 30_000,
      intervalMs: 100,
      what: 'all 3,000 handled',
    });

    // At-least-once: entries "a" handled but had not acked yet are handled again, nothing is missed.
    expect(sum(await perConsumer('count'))).toBeGreaterThanOrEqual(3000);
    expect((await perConsumer('redelivered')).a2).toBeGreaterThanOrEqual(pendingOfA.length);
    await waitFor(
      async () => ((await redis.call('XPENDING', busKeys(prefix).events, 'svc')) as [number])[0] === 0,
      {
        what: 'nothing left pending',
      },
    );
  });
});

function waitForMessage(child: ChildProcess, key: string, timeoutMs = 15_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`child sent no "${key}" within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onMessage = (message: unknown): void => {
      if (typeof message === 'object' && message !== null && key in message) {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve();
      }
    };
    const onExit = (code: number | null): void => {
      clearTimeout(timer);
      reject(new Error(`child exited (${String(code)}) before "${key}"`));
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}
