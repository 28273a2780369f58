import {
  NodeProcess,
  cleanEnv,
  freePort,
  startBrokerSimProcess,
  startRedisServer,
  testPrefix,
  testRedisUrl,
  waitFor,
  type BrokerSimProcess,
} from '@fillwire/testing';
import { exposedMetrics, referencedMetrics } from './monitoring-metrics';

// Every service boots the same way (bootService); this suite boots all five as real processes,
// in parallel, against the run's Redis.
const APPS = ['order-api', 'notifier', 'zerodha-postback', 'jainam-gateway', 'portfolio-manager'] as const;
const BOOT_MS = 60_000;
const EXIT_MS = 5_000;

// Per-project testTimeout is not applied by Jest's multi-project config; set it here.
jest.setTimeout(120_000);

const running: NodeProcess[] = [];
// The gateways are ready only when their broker accounts are connected, so they boot against the simulator.
let sim: BrokerSimProcess | undefined;

const DEMO_KEYS = { FILLWIRE_DEMO_API_KEY: 'd'.repeat(32), FILLWIRE_DEMO2_API_KEY: 'e'.repeat(32) };

function startApp(app: string, env: Record<string, string>, ipc = false): NodeProcess {
  const proc = NodeProcess.ts(
    `apps/${app}/src/main.ts`,
    // Demo keys given, as npm start gives them; otherwise order-api prints generated keys to stdout.
    cleanEnv({ HOST: '127.0.0.1', LOG_LEVEL: 'info', ...DEMO_KEYS, ...env }),
    { ipc },
  );
  running.push(proc);
  return proc;
}

async function get(url: string): Promise<{ status: number; type: string; body: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
}

afterAll(async () => {
  await Promise.all(running.map((p) => p.kill()));
  await sim?.stop();
});

describe('the five services as processes', () => {
  it('boot, serve /health, /ready and /metrics, log JSON, and exit 0 on SIGTERM', async () => {
    const redisUrl = await testRedisUrl();
    sim = await startBrokerSimProcess();
    const brokers = sim.env;
    const exposed = new Set<string>();
    await Promise.all(
      APPS.map(async (app) => {
        const port = await freePort();
        const proc = startApp(app, {
          ...brokers,
          PORT: String(port),
          REDIS_URL: redisUrl,
          FILLWIRE_PREFIX: testPrefix(app),
        });
        await proc.waitForLine(/listening on/, BOOT_MS);
        const base = `http://127.0.0.1:${port}`;

        await expect(get(`${base}/health`)).resolves.toMatchObject({ status: 200, body: '{"status":"ok"}' });
        const ready = await waitFor(
          async () => {
            const res = await get(`${base}/ready`);
            return res.status === 200 ? res : undefined;
          },
          { timeoutMs: 10_000, what: `${app} /ready` },
        );
        expect(JSON.parse(ready.body)).toMatchObject({ status: 'ok', checks: { redis: { ok: true } } });
        const metrics = await get(`${base}/metrics`);
        expect(metrics.status).toBe(200);
        expect(metrics.type).toMatch(/^text\/plain/);
        expect(metrics.body).toContain(`process_cpu_user_seconds_total{service="${app}"}`);
        expect(metrics.body).toContain('# TYPE fillwire_http_request_duration_seconds histogram');
        for (const name of exposedMetrics(metrics.body)) exposed.add(name);

        proc.signal('SIGTERM');
        await expect(proc.waitExit(EXIT_MS)).resolves.toEqual({ code: 0, signal: null });
        const logs = proc.stdout.map(
          (line) => JSON.parse(line) as { service: string; level: string; msg: string },
        );
        expect(logs.every((l) => l.service === app && typeof l.level === 'string')).toBe(true);
        expect(logs.map((l) => l.msg)).toEqual(
          expect.arrayContaining(['Redis connected', 'Redis connection closed']),
        );
        expect(proc.stderr).toEqual([]);
      }),
    );
    // The alert rules and dashboard query only what the booted services expose.
    expect([...referencedMetrics()].filter((name) => !exposed.has(name))).toEqual([]);
  });

  it('refuse to start on a bad environment, listing every problem, exit code 1', async () => {
    // The same bootService path for all; two apps with different schema shapes keep this cheap.
    await Promise.all(
      ['order-api', 'notifier'].map(async (app) => {
        // notifier as under npm start (IPC channel): the channel must not keep it alive.
        const proc = startApp(app, { PORT: 'abc', REDIS_URL: 'http://x' }, app === 'notifier');
        const exit = await proc.waitExit(BOOT_MS);
        expect(exit).toEqual({ code: 1, signal: null });
        const err = proc.stderr.join('\n');
        expect(err).toContain(`${app}: invalid configuration`);
        expect(err).toMatch(/PORT: expected an integer/);
        expect(err).toMatch(/REDIS_URL: expected a URL/);
        expect(proc.stdout.join('\n')).not.toContain('Nest application');
      }),
    );
  });

  it('stay alive without Redis (/ready 503 naming redis, ready when it is back) and stop when their supervisor goes', async () => {
    const redisPort = await freePort();
    const port = await freePort();
    const proc = startApp(
      'portfolio-manager',
      { PORT: String(port), REDIS_URL: `redis://127.0.0.1:${redisPort}`, FILLWIRE_PREFIX: testPrefix('pm') },
      true,
    );
    await proc.waitForLine(/listening on/, BOOT_MS);
    const base = `http://127.0.0.1:${port}`;
    await expect(get(`${base}/health`)).resolves.toMatchObject({ status: 200 });
    const notReady = await get(`${base}/ready`);
    expect(notReady.status).toBe(503);
    // Other checks that need Redis (the event bus) may fail with it.
    expect(JSON.parse(notReady.body)).toMatchObject({
      status: 'unavailable',
      failing: expect.arrayContaining(['redis']),
    });

    const redis = await startRedisServer({ port: redisPort });
    try {
      await waitFor(async () => (await get(`${base}/ready`)).status === 200, {
        timeoutMs: 10_000,
        what: 'ready after Redis returns',
      });
    } finally {
      await redis.stop();
    }
    // Redis gone again, and the supervisor (npm start) vanishes: a clean shutdown all the same.
    proc.disconnect();
    await expect(proc.waitExit(EXIT_MS)).resolves.toEqual({ code: 0, signal: null });
    expect(proc.stdout.join('\n')).toContain('supervisor gone, shutting down');
  });
});
