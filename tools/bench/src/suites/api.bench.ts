import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { Agent, request } from 'node:http';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { freePort, startRedisServer, waitFor } from '@fillwire/testing';
import { defineSuite, type BenchContext } from '../bench.types';

/*
 * order-api benchmark: POST /v1/orders (API key auth, validation, rate-limit counter, broker call
 * through kiteconnect to the simulator, order.placed on the bus, registry write) with many
 * keep-alive connections, closed loop. order-api and the simulator run as child processes (the load
 * generator must not share their event loop), on a private redis-server with AOF everysec. The
 * simulator's rate limit is off and the app's per-account limit raised. Reference, same run: the
 * same order placed straight at the simulator's Kite REST (form POST /orders/regular).
 */

const ROOT = resolve(__dirname, '../../../..');
const API_KEY = 'bench-demo-api-key-0123456789abcdef';
const P99_TARGET_MS = 25;

interface RunResult {
  ordersPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
}

function spawnNode(script: string, env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', script], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'error', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return child;
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

function post(
  agent: Agent,
  url: URL,
  path: string,
  body: string,
  headers: Record<string, string>,
): Promise<number> {
  return new Promise((done, fail) => {
    const req = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path,
        headers: { 'Content-Length': Buffer.byteLength(body), ...headers },
      },
      (res) => {
        res.resume();
        res.on('end', () => done(res.statusCode ?? 0));
      },
    );
    req.on('error', fail);
    req.end(body);
  });
}

/** `connections` loops, each sending the next request when the previous answered, for `durationMs`. */
async function closedLoop(
  ctx: BenchContext,
  connections: number,
  durationMs: number,
  send: (agent: Agent, i: number) => Promise<boolean>,
): Promise<RunResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const latencies: number[] = [];
  let errors = 0;
  let n = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        const ok = await send(agent, n++).catch(() => false);
        latencies.push(performance.now() - t0);
        if (!ok) errors++;
      }
    }),
  );
  const elapsed = performance.now() - started;
  agent.destroy();
  const summary = ctx.summarize(latencies);
  return {
    ordersPerSecond: (latencies.length - errors) / (elapsed / 1000),
    p50: summary.p50,
    p99: summary.p99,
    errors,
  };
}

export default defineSuite({
  name: 'api',
  description: 'POST /v1/orders through order-api to the Kite simulator vs straight to the simulator',
  async run(ctx) {
    const connections = ctx.quick ? 8 : 32;
    const durationMs = ctx.quick ? 2000 : 8000;
    const redis = await startRedisServer({ aof: true, fsync: 'everysec' });
    const [kitePort, xtsPort, apiPort, deadPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    const prefix = `bench-api-${Date.now()}`;
    let sim: ChildProcess | undefined;
    let api: ChildProcess | undefined;
    try {
      sim = spawnNode('tools/broker-sim/src/main.ts', {
        SIM_KITE_PORT: String(kitePort),
        SIM_XTS_PORT: String(xtsPort),
        SIM_KITE_RATE_LIMIT: '0',
        SIM_XTS_RATE_LIMIT: '0',
        SIM_TICK_MS: '0',
        ZERODHA_POSTBACK_URL: `http://127.0.0.1:${deadPort}/zerodha/postback`,
      });
      const kiteUrl = `http://127.0.0.1:${kitePort}`;
      await waitFor(async () => (await fetch(`${kiteUrl}/_sim/health`)).ok, {
        timeoutMs: 60_000,
        intervalMs: 200,
        what: 'the simulator',
      });
      api = spawnNode('apps/order-api/src/main.ts', {
        PORT: String(apiPort),
        REDIS_URL: redis.url,
        FILLWIRE_PREFIX: prefix,
        KITE_ROOT_URL: kiteUrl,
        XTS_BASE_URL: `http://127.0.0.1:${xtsPort}`,
        FILLWIRE_DEMO_API_KEY: API_KEY,
        ORDER_RATE_LIMIT_PER_SECOND: '1000000',
      });
      const apiUrl = new URL(`http://127.0.0.1:${apiPort}`);
      await waitFor(async () => (await fetch(`${apiUrl.origin}/ready`)).ok, {
        timeoutMs: 60_000,
        intervalMs: 200,
        what: 'order-api',
      });

      const body = JSON.stringify({
        accountId: 'AB1234',
        symbol: 'SBIN',
        exchange: 'NSE',
        side: 'BUY',
        quantity: 1,
        orderType: 'LIMIT',
        product: 'MIS',
        price: 790,
      });
      const viaApi = (agent: Agent) =>
        post(agent, apiUrl, '/v1/orders', body, {
          'Content-Type': 'application/json',
          Authorization: `Bearer ${API_KEY}`,
        }).then((s) => s === 201);

      // Reference: a Kite session of our own, then the same order as a form POST to the simulator.
      const checksum = createHash('sha256').update('kite-demoAB1234demo-secret').digest('hex');
      const session = (await (
        await fetch(`${kiteUrl}/session/token`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Kite-Version': '3' },
          body: new URLSearchParams({ api_key: 'kite-demo', request_token: 'AB1234', checksum }).toString(),
        })
      ).json()) as { data: { access_token: string } };
      const form = new URLSearchParams({
        exchange: 'NSE',
        tradingsymbol: 'SBIN',
        transaction_type: 'BUY',
        quantity: '1',
        order_type: 'LIMIT',
        product: 'MIS',
        price: '790',
        variety: 'regular',
      }).toString();
      const kite = new URL(kiteUrl);
      const direct = (agent: Agent) =>
        post(agent, kite, '/orders/regular', form, {
          'Content-Type': 'application/x-www-form-urlencoded',
          'X-Kite-Version': '3',
          Authorization: `token kite-demo:${session.data.access_token}`,
        }).then((s) => s === 200);

      // Warm-up: JIT, connection pools, the adapter's Kite session.
      await closedLoop(ctx, connections, 1000, viaApi);
      await closedLoop(ctx, connections, 500, direct);

      const results: Record<'order-api' | 'simulator', RunResult[]> = { 'order-api': [], simulator: [] };
      for (let run = 0; run < ctx.runs; run++) {
        ctx.gc();
        results['order-api'].push(await closedLoop(ctx, connections, durationMs, viaApi));
        ctx.gc();
        results.simulator.push(await closedLoop(ctx, connections, durationMs, direct));
      }
      const median = (rs: RunResult[], k: keyof RunResult) => ctx.median(rs.map((r) => r[k]));
      const rows = (['order-api', 'simulator'] as const).map((name) => ({
        path:
          name === 'order-api'
            ? 'POST /v1/orders (order-api → sim)'
            : 'POST /orders/regular (sim direct, reference)',
        'orders/s': Math.round(median(results[name], 'ordersPerSecond')),
        'p50 ms': median(results[name], 'p50').toFixed(2),
        'p99 ms': median(results[name], 'p99').toFixed(2),
        errors: median(results[name], 'errors'),
      }));
      ctx.printTable(rows);
      const api99 = median(results['order-api'], 'p99');
      const apiRate = median(results['order-api'], 'ordersPerSecond');
      ctx.log.info(
        `target ≥ 1000 orders/s with p99 ≤ ${P99_TARGET_MS} ms: ${apiRate >= 1000 && api99 <= P99_TARGET_MS ? 'met' : 'NOT met'} (${connections} connections, median of ${ctx.runs})`,
      );
      await ctx.writeResult('api', {
        connections,
        durationMs,
        runs: results,
        medians: rows,
        targetMet: apiRate >= 1000 && api99 <= P99_TARGET_MS,
      });
    } finally {
      await stop(api);
      await stop(sim);
      await redis.stop();
    }
  },
});
