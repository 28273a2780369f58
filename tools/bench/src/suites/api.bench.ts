import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { Agent, request } from 'node:http';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { freePort, startRedisServer, waitFor, tsExecArgv } from '@fillwire/testing';
import { defineSuite, type BenchContext } from '../bench.types';

/*
 * order-api benchmark: POST /v1/orders (API key auth, validation, rate-limit counter, broker call
 * through kiteconnect to the simulator, order.placed on the bus, registry write): the highest
 * throughput with many keep-alive connections (closed loop), and p50/p99 at 1,000 orders/s offered
 * on a fixed schedule (open loop, the target). MARKET orders, buy and sell in turn. order-api and the simulator run as child processes (the load
 * generator must not share their event loop), on a private redis-server with AOF everysec. The
 * simulator's rate limit is off and the app's per-account limit raised. Reference, same run: the
 * same order placed straight at the simulator's Kite REST (form POST /orders/regular).
 */

const ROOT = resolve(__dirname, '../../../..');
const API_KEY = 'bench-demo-api-key-0123456789abcdef';
const P99_TARGET_MS = 25;
const TARGET_RATE = 1000;
const OPEN_LOOP_SOCKETS = 64;

interface RunResult {
  ordersPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
}

function spawnNode(script: string, env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, [...tsExecArgv(), script], {
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

/**
 * Open loop: `rate` requests per second on a fixed schedule (ctx.pace), whatever the latency, over a
 * pool of keep-alive connections: latency at a given load, which a closed loop cannot show (there the
 * connection count sets the latency: mean = connections / throughput).
 */
async function openLoop(
  ctx: BenchContext,
  rate: number,
  durationMs: number,
  send: (agent: Agent, i: number) => Promise<boolean>,
): Promise<RunResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: OPEN_LOOP_SOCKETS });
  const latencies: number[] = [];
  let errors = 0;
  const report = await ctx.pace({
    rate,
    durationMs,
    send: async (i, scheduledAt) => {
      const ok = await send(agent, i).catch(() => false);
      // From the scheduled time: a request that waited for a free connection waited in our system.
      latencies.push(performance.now() - scheduledAt);
      if (!ok) errors++;
    },
  });
  agent.destroy();
  const summary = ctx.summarize(latencies);
  return {
    ordersPerSecond: (report.sent - errors) / (report.elapsedMs / 1000),
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
      // Nobody listens for postbacks here: drop them instead of paying for a refused connection per fill.
      await fetch(`${kiteUrl}/_sim/faults`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ channel: 'postback', drop: 1 }),
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

      // MARKET orders, alternating sides: they fill at once, so the account's live order book stays
      // small as a trader's does (tens of thousands of resting orders on one account are not a real load).
      const order = (i: number) => ({
        accountId: 'AB1234',
        symbol: 'SBIN',
        exchange: 'NSE',
        side: i % 2 === 0 ? 'BUY' : 'SELL',
        quantity: 1,
        orderType: 'MARKET',
        product: 'MIS',
      });
      const viaApi = (agent: Agent, i: number) =>
        post(agent, apiUrl, '/v1/orders', JSON.stringify(order(i)), {
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
      const form = (i: number) =>
        new URLSearchParams({
          exchange: 'NSE',
          tradingsymbol: 'SBIN',
          transaction_type: i % 2 === 0 ? 'BUY' : 'SELL',
          quantity: '1',
          order_type: 'MARKET',
          product: 'MIS',
          variety: 'regular',
        }).toString();
      const kite = new URL(kiteUrl);
      const direct = (agent: Agent, i: number) =>
        post(agent, kite, '/orders/regular', form(i), {
          'Content-Type': 'application/x-www-form-urlencoded',
          'X-Kite-Version': '3',
          Authorization: `token kite-demo:${session.data.access_token}`,
        }).then((s) => s === 200);

      // Warm-up: JIT, connection pools, the adapter's Kite session.
      await closedLoop(ctx, connections, 1000, viaApi);
      await closedLoop(ctx, connections, 500, direct);

      type Path = 'order-api' | 'simulator';
      const paths: Path[] = ['order-api', 'simulator'];
      const sendOf = { 'order-api': viaApi, simulator: direct };
      const closed: Record<Path, RunResult[]> = { 'order-api': [], simulator: [] };
      const open: Record<Path, RunResult[]> = { 'order-api': [], simulator: [] };
      for (let run = 0; run < ctx.runs; run++) {
        for (const path of paths) {
          ctx.gc();
          closed[path].push(await closedLoop(ctx, connections, durationMs, sendOf[path]));
          ctx.gc();
          open[path].push(await openLoop(ctx, TARGET_RATE, durationMs, sendOf[path]));
        }
      }
      const median = (rs: RunResult[], k: keyof RunResult) => ctx.median(rs.map((r) => r[k]));
      const label = (path: Path) =>
        path === 'order-api'
          ? 'POST /v1/orders (order-api → sim)'
          : 'POST /orders/regular (sim direct, reference)';
      const rows = paths.map((path) => ({
        path: label(path),
        [`max orders/s (${connections} conns)`]: Math.round(median(closed[path], 'ordersPerSecond')),
        [`orders/s @${TARGET_RATE}`]: Math.round(median(open[path], 'ordersPerSecond')),
        [`p50 ms @${TARGET_RATE}`]: median(open[path], 'p50').toFixed(2),
        [`p99 ms @${TARGET_RATE}`]: median(open[path], 'p99').toFixed(2),
        errors: median(open[path], 'errors') + median(closed[path], 'errors'),
      }));
      ctx.printTable(rows);
      const api99 = median(open['order-api'], 'p99');
      const apiRate = median(open['order-api'], 'ordersPerSecond');
      const met =
        apiRate >= TARGET_RATE * 0.98 && api99 <= P99_TARGET_MS && median(open['order-api'], 'errors') === 0;
      ctx.log.info(
        `target ≥ ${TARGET_RATE} orders/s with p99 ≤ ${P99_TARGET_MS} ms: ${met ? 'met' : 'NOT met'} (open loop at ${TARGET_RATE}/s over up to ${OPEN_LOOP_SOCKETS} connections; max throughput closed loop with ${connections}; median of ${ctx.runs})`,
      );
      await ctx.writeResult('api', {
        connections,
        openLoopRate: TARGET_RATE,
        openLoopSockets: OPEN_LOOP_SOCKETS,
        durationMs,
        runs: { closed, open },
        medians: rows,
        targetMet: met,
      });
    } finally {
      await stop(api);
      await stop(sim);
      await redis.stop();
    }
  },
});
