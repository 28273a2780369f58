import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { kitePostbackChecksum } from '@fillwire/broker-adapters';
import { freePort, startRedisServer, type RedisServerHandle } from '@fillwire/testing';
import Redis from 'ioredis';
import { defineSuite, type BenchContext, type BenchSuite } from '../bench.types';

/*
 * Ingest benchmark, postback half: a Kite postback HTTP request (valid checksum, keep-alive
 * connections) from this process to zerodha-postback running as a child process → the event on the
 * log `<prefix>:events`, seen by an XREAD BLOCK reader here. Redis is private with AOF everysec; the
 * broker simulator runs beside it (the gateway's accounts log in and hold their tickers, as in
 * production). Reference in the same run: a bare XADD of the same envelope size from this process to
 * the same Redis, read by the same reader (the floor any HTTP ingestion sits on).
 * The XTS half lives in ingest-xts.bench.ts; `npm run bench -- ingest` runs it too (see the end).
 */

const ROOT = resolve(__dirname, '..', '..', '..', '..');
const SECRET = 'demo-secret';
/** p99 above this (or deliveries missing after the drain) means the rate is not sustained. */
const SUSTAIN_P99_MS = 50;
const DRAIN_MS = 3000;

interface Child {
  proc: ChildProcess;
  stop(): Promise<void>;
}

function startChild(entry: string, env: Record<string, string>): Child {
  const proc = spawn(process.execPath, ['-r', '@swc-node/register', entry], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return {
    proc,
    stop: () =>
      new Promise<void>((done) => {
        if (proc.exitCode !== null) return done();
        const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
        proc.once('exit', () => {
          clearTimeout(timer);
          done();
        });
        proc.kill('SIGTERM');
      }),
  };
}

async function waitHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await sleep(200);
  }
  throw new Error(`${url} not ready within ${timeoutMs} ms`);
}

/** Reads the log from now on and resolves each awaited key with the time it was seen. */
class LogWatcher {
  private readonly redis: Redis;
  private readonly sentAt = new Map<string, number>();
  latencies: number[] = [];
  private stopped = false;
  private loop: Promise<void> = Promise.resolve();

  constructor(
    url: string,
    private readonly stream: string,
  ) {
    this.redis = new Redis(url, { maxRetriesPerRequest: null });
  }

  async start(): Promise<void> {
    const last = (await this.redis.xrevrange(this.stream, '+', '-', 'COUNT', 1)) as [string, string[]][];
    let cursor = last[0]?.[0] ?? '0-0';
    this.loop = (async () => {
      while (!this.stopped) {
        const reply = (await this.redis.call(
          'XREAD',
          'COUNT',
          1000,
          'BLOCK',
          200,
          'STREAMS',
          this.stream,
          cursor,
        )) as [string, [string, string[]][]][] | null;
        const seenAt = performance.now();
        for (const [id, fields] of reply?.[0]?.[1] ?? []) {
          cursor = id;
          const json = fields[fields.indexOf('envelope') + 1];
          const key = /"key":"([^"]+)"/.exec(json)?.[1];
          const sent = key === undefined ? undefined : this.sentAt.get(key);
          if (sent === undefined) continue;
          this.sentAt.delete(key as string);
          this.latencies.push(seenAt - sent);
        }
      }
    })();
    return Promise.resolve();
  }

  expect(key: string, at: number): void {
    this.sentAt.set(key, at);
  }

  reset(): void {
    this.sentAt.clear();
    this.latencies = [];
  }

  get outstanding(): number {
    return this.sentAt.size;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    this.redis.disconnect();
  }
}

interface StepResult {
  contender: string;
  rate: number;
  achievedRate: number;
  sent: number;
  failed: number;
  missing: number;
  p50: number;
  p99: number;
  max: number;
}

type Send = (key: string) => Promise<unknown>;

async function step(
  ctx: BenchContext,
  contender: string,
  watcher: LogWatcher,
  send: Send,
  rate: number,
  durationMs: number,
  tag: string,
): Promise<StepResult> {
  watcher.reset();
  const report = await ctx.pace({
    rate,
    durationMs,
    send: (i) => {
      const key = `${tag}${String(i).padStart(7, '0')}`;
      watcher.expect(key, performance.now());
      return send(key);
    },
  });
  const deadline = Date.now() + DRAIN_MS;
  while (watcher.outstanding > report.failed && Date.now() < deadline) await sleep(20);
  const s = ctx.summarize(watcher.latencies);
  return {
    contender,
    rate,
    achievedRate: Math.round(report.achievedRate),
    sent: report.sent,
    failed: report.failed,
    missing: watcher.outstanding - report.failed,
    p50: s.p50,
    p99: s.p99,
    max: s.max,
  };
}

const sustained = (r: StepResult): boolean =>
  r.failed === 0 && r.missing === 0 && r.p99 <= SUSTAIN_P99_MS && r.achievedRate >= r.rate * 0.95;

/** One postback per key (a new order each, so none is a duplicate), over keep-alive connections. */
function postbackSender(port: number): { send: Send; close(): void } {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const send: Send = (key) => {
    const body = JSON.stringify({
      user_id: 'AB1234',
      placed_by: 'AB1234',
      app_id: 1,
      order_id: key,
      exchange_order_id: null,
      parent_order_id: null,
      status: 'COMPLETE',
      status_message: null,
      status_message_raw: null,
      order_timestamp: '2026-01-05 09:45:10',
      exchange_update_timestamp: '2026-01-05 09:45:11',
      exchange_timestamp: '2026-01-05 09:45:11',
      variety: 'regular',
      exchange: 'NSE',
      tradingsymbol: 'SBIN',
      instrument_token: 779521,
      order_type: 'MARKET',
      transaction_type: 'BUY',
      validity: 'DAY',
      product: 'MIS',
      quantity: 10,
      disclosed_quantity: 0,
      price: 0,
      trigger_price: 0,
      average_price: 812.35,
      filled_quantity: 10,
      pending_quantity: 0,
      unfilled_quantity: 0,
      cancelled_quantity: 0,
      market_protection: 0,
      meta: {},
      tag: null,
      guid: key,
      checksum: kitePostbackChecksum(key, '2026-01-05 09:45:10', SECRET),
    });
    return new Promise((done, fail) => {
      const req = request(
        {
          agent,
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/zerodha/postback',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          res.resume();
          res.once('end', () =>
            res.statusCode === 200 ? done(undefined) : fail(new Error(`HTTP ${res.statusCode}`)),
          );
        },
      );
      req.once('error', fail);
      req.end(body);
    });
  };
  return { send, close: () => agent.destroy() };
}

function xaddSender(redis: Redis, stream: string): Send {
  const pad = 'x'.repeat(1400);
  return (key) => redis.xadd(stream, '*', 'envelope', JSON.stringify({ key, pad }));
}

async function postbackHalf(ctx: BenchContext): Promise<void> {
  const runs = ctx.quick ? 1 : ctx.runs;
  const durationMs = ctx.quick ? 1000 : 4000;
  let redis: RedisServerHandle | undefined;
  let sim: Child | undefined;
  let app: Child | undefined;
  let watcher: LogWatcher | undefined;
  let sender: ReturnType<typeof postbackSender> | undefined;
  const client = { redis: undefined as Redis | undefined };
  try {
    redis = await startRedisServer({ aof: true, fsync: 'everysec' });
    const [appPort, kitePort, xtsPort] = [await freePort(), await freePort(), await freePort()];
    const prefix = 'bench-ingest';
    sim = startChild('tools/broker-sim/src/main.ts', {
      SIM_KITE_PORT: String(kitePort),
      SIM_XTS_PORT: String(xtsPort),
      SIM_TICK_MS: '0',
      ZERODHA_POSTBACK_URL: `http://127.0.0.1:${appPort}/zerodha/postback`,
    });
    await waitHttp(`http://127.0.0.1:${kitePort}/_sim/health`, 30_000);
    app = startChild('apps/zerodha-postback/src/main.ts', {
      PORT: String(appPort),
      REDIS_URL: redis.url,
      FILLWIRE_PREFIX: prefix,
      LOG_LEVEL: 'warn',
      KITE_ROOT_URL: `http://127.0.0.1:${kitePort}`,
      KITE_WS_URL: `ws://127.0.0.1:${kitePort}`,
    });
    await waitHttp(`http://127.0.0.1:${appPort}/ready`, 30_000);
    watcher = new LogWatcher(redis.url, `${prefix}:events`);
    await watcher.start();
    sender = postbackSender(appPort);
    client.redis = new Redis(redis.url);
    const reference = xaddSender(client.redis, `${prefix}:events`);
    // Warm-up: JIT, connection pool, Redis script cache.
    await step(ctx, 'warm-up', watcher, sender.send, 500, ctx.quick ? 300 : 1000, 'w');

    const rates = [500, 2000];
    const ladder = ctx.quick ? [3000] : [3000, 4000, 5000, 6000, 8000];
    const results: StepResult[] = [];
    const runBest: number[] = [];
    for (let run = 1; run <= runs; run++) {
      runBest[run] = 0;
      for (const rate of rates) {
        const r = await step(ctx, 'postback', watcher, sender.send, rate, durationMs, `p${run}r${rate}-`);
        if (sustained(r)) runBest[run] = Math.max(runBest[run], rate);
        results.push(r);
        results.push(
          await step(ctx, 'xadd (reference)', watcher, reference, rate, durationMs, `x${run}r${rate}-`),
        );
        ctx.gc();
      }
    }
    // Highest sustained rate: climb until a step is not sustained (once per run).
    const highest: number[] = [];
    for (let run = 1; run <= runs; run++) {
      let best = runBest[run];
      for (const rate of ladder) {
        const r = await step(ctx, 'postback', watcher, sender.send, rate, durationMs, `h${run}r${rate}-`);
        ctx.log.info(
          `run ${run} ladder ${rate}/s: p99 ${r.p99.toFixed(2)} ms, achieved ${r.achievedRate}/s, missing ${r.missing}`,
        );
        if (!sustained(r)) break;
        best = rate;
      }
      highest.push(best);
      ctx.gc();
    }

    const med = (xs: number[]): number => ctx.median(xs);
    const rows = ['postback', 'xadd (reference)'].flatMap((contender) =>
      rates.map((rate) => {
        const rs = results.filter((r) => r.contender === contender && r.rate === rate);
        return {
          contender,
          'rate/s': rate,
          'achieved/s': Math.round(med(rs.map((r) => r.achievedRate))),
          'p50 ms': Number(med(rs.map((r) => r.p50)).toFixed(3)),
          'p99 ms': Number(med(rs.map((r) => r.p99)).toFixed(3)),
          'max ms': Number(med(rs.map((r) => r.max)).toFixed(3)),
          failed: rs.reduce((a, r) => a + r.failed + r.missing, 0),
        };
      }),
    );
    ctx.printTable(rows);
    const highestSustained = med(highest);
    ctx.log.info(
      `highest sustained postback rate (p99 ≤ ${SUSTAIN_P99_MS} ms, nothing lost): ${highestSustained}/s (median of ${runs}; per run ${highest.join(', ')}); target p99 ≤ 3 ms at 2,000/s`,
    );
    const written = await ctx.writeResult('ingest', {
      half: 'postback',
      runs,
      durationMs,
      table: rows,
      highestSustained,
      highestPerRun: highest,
      raw: results,
    });
    ctx.log.info(`written ${written.latest}`);
  } finally {
    sender?.close();
    await watcher?.stop();
    client.redis?.disconnect();
    await app?.stop();
    await sim?.stop();
    await redis?.stop();
  }
}

/** `npm run bench -- ingest` names only this suite: run the XTS half too when it exists and was not named. */
async function xtsHalf(ctx: BenchContext): Promise<void> {
  const file = join(__dirname, 'ingest-xts.bench.ts');
  const named = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  if (!existsSync(file) || named.length === 0 || named.includes('ingest-xts')) return;
  const mod = (await import(file)) as { default?: BenchSuite };
  if (mod.default) await mod.default.run(ctx);
}

export default defineSuite({
  name: 'ingest',
  description:
    'postback HTTP (valid checksum, keep-alive) → event on the log via zerodha-postback in a child process; Redis AOF everysec; reference: bare XADD',
  async run(ctx) {
    await postbackHalf(ctx);
    await xtsHalf(ctx);
  },
});
