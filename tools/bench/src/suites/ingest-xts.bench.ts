import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, startRedisServer, type RedisServerHandle } from '@fillwire/testing';
import Redis from 'ioredis';
import { defineSuite, type BenchContext } from '../bench.types';

/*
 * Ingest benchmark, XTS half: an XTS socket `order` event (a JSON string, emitted by the simulator
 * through its admin endpoint `POST /_sim/xts/emit` over a keep-alive connection) → jainam-gateway
 * (child process, socket.io EIO=3) → the `order.updated` event on `<prefix>:events`, seen by an
 * XREAD BLOCK reader here. Each event is a new order (its own AppOrderID), so nothing is deduplicated.
 * Private Redis with AOF everysec. Latency is measured from just before the admin request, so it
 * includes that HTTP hop; the reference rows show its share: `admin emit` = the admin request's
 * own round trip (the socket emit happens inside it), `xadd` = a bare XADD of a same-sized entry.
 */

const ROOT = resolve(__dirname, '..', '..', '..', '..');
const SUSTAIN_P99_MS = 50;
const DRAIN_MS = 3000;
const FIXTURE = '/work/shared/fixtures/xts/xts_socket_order_event_pendingnew.json';

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

/** Follows the log and records, per awaited key, the time from send to seen. */
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

/** One paced step; `direct` contenders report their own latency instead of waiting for the log. */
async function step(
  ctx: BenchContext,
  contender: string,
  watcher: LogWatcher,
  send: Send,
  rate: number,
  durationMs: number,
  tag: number,
  direct = false,
): Promise<StepResult> {
  watcher.reset();
  const directLatencies: number[] = [];
  const report = await ctx.pace({
    rate,
    durationMs,
    send: (i) => {
      const key = String(tag + i);
      const at = performance.now();
      if (direct) return send(key).then(() => void directLatencies.push(performance.now() - at));
      watcher.expect(key, at);
      return send(key);
    },
  });
  const deadline = Date.now() + DRAIN_MS;
  while (!direct && watcher.outstanding > report.failed && Date.now() < deadline) await sleep(20);
  const s = ctx.summarize(direct ? directLatencies : watcher.latencies);
  return {
    contender,
    rate,
    achievedRate: Math.round(report.achievedRate),
    sent: report.sent,
    failed: report.failed,
    missing: direct ? 0 : watcher.outstanding - report.failed,
    p50: s.p50,
    p99: s.p99,
    max: s.max,
  };
}

const sustained = (r: StepResult): boolean =>
  r.failed === 0 && r.missing === 0 && r.p99 <= SUSTAIN_P99_MS && r.achievedRate >= r.rate * 0.95;

/** `POST /_sim/xts/emit` of a new PendingNew order row (AppOrderID = key) over keep-alive HTTP. */
function emitSender(adminPort: number): { send: Send; close(): void } {
  const base = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<string, unknown>;
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const send: Send = (key) => {
    const payload = JSON.stringify({
      ...base,
      AppOrderID: Number(key),
      OrderUniqueIdentifier: `b${key}`,
      ExchangeInstrumentID: 3045,
      TradingSymbol: 'SBIN',
    });
    const body = JSON.stringify({ userID: 'JN0001', event: 'order', payload });
    return new Promise((done, fail) => {
      const req = request(
        {
          agent,
          host: '127.0.0.1',
          port: adminPort,
          method: 'POST',
          path: '/_sim/xts/emit',
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

export default defineSuite({
  name: 'ingest-xts',
  description:
    'XTS socket order event (sim admin emit) → event on the log via jainam-gateway in a child process; Redis AOF everysec; references: admin emit round trip, bare XADD',
  async run(ctx) {
    const runs = ctx.quick ? 1 : ctx.runs;
    const durationMs = ctx.quick ? 800 : 4000;
    let redis: RedisServerHandle | undefined;
    let sim: Child | undefined;
    let app: Child | undefined;
    let watcher: LogWatcher | undefined;
    let sender: ReturnType<typeof emitSender> | undefined;
    let client: Redis | undefined;
    try {
      redis = await startRedisServer({ aof: true, fsync: 'everysec' });
      const [appPort, kitePort, xtsPort, deadPort] = [
        await freePort(),
        await freePort(),
        await freePort(),
        await freePort(),
      ];
      const prefix = 'bench-ingest-xts';
      sim = startChild('tools/broker-sim/src/main.ts', {
        SIM_KITE_PORT: String(kitePort),
        SIM_XTS_PORT: String(xtsPort),
        SIM_TICK_MS: '0',
        ZERODHA_POSTBACK_URL: `http://127.0.0.1:${deadPort}/`,
      });
      await waitHttp(`http://127.0.0.1:${kitePort}/_sim/health`, 30_000);
      app = startChild('apps/jainam-gateway/src/main.ts', {
        PORT: String(appPort),
        REDIS_URL: redis.url,
        FILLWIRE_PREFIX: prefix,
        LOG_LEVEL: 'warn',
        XTS_BASE_URL: `http://127.0.0.1:${xtsPort}`,
      });
      await waitHttp(`http://127.0.0.1:${appPort}/ready`, 30_000);
      watcher = new LogWatcher(redis.url, `${prefix}:events`);
      await watcher.start();
      sender = emitSender(kitePort);
      client = new Redis(redis.url);
      const c = client;
      const pad = 'x'.repeat(1400);
      const xadd: Send = (key) => c.xadd(`${prefix}:events`, '*', 'envelope', JSON.stringify({ key, pad }));
      let tag = 3_000_000_000;
      const next = () => (tag += 1_000_000);
      await step(ctx, 'warm-up', watcher, sender.send, 500, ctx.quick ? 300 : 1000, next());

      const results: StepResult[] = [];
      const ladder = ctx.quick ? [4000] : [3000, 4000, 5000, 6000, 8000];
      const best: number[] = [];
      for (let run = 1; run <= runs; run++) {
        for (const rate of [500, 2000]) {
          results.push(await step(ctx, 'xts socket → log', watcher, sender.send, rate, durationMs, next()));
          results.push(
            await step(ctx, 'admin emit (reference)', watcher, sender.send, rate, durationMs, next(), true),
          );
          results.push(await step(ctx, 'xadd (reference)', watcher, xadd, rate, durationMs, next()));
          ctx.gc();
        }
        let highest = results.some(
          (r) => r.rate === 2000 && r.contender === 'xts socket → log' && sustained(r),
        )
          ? 2000
          : 0;
        for (const rate of ladder) {
          const r = await step(ctx, 'xts socket → log', watcher, sender.send, rate, durationMs, next());
          results.push(r);
          ctx.gc();
          if (!sustained(r)) break;
          highest = rate;
        }
        best.push(highest);
      }
      const median = (contender: string, rate: number, field: 'p50' | 'p99' | 'max' | 'achievedRate') =>
        ctx.median(results.filter((r) => r.contender === contender && r.rate === rate).map((r) => r[field]));
      const rows = ['xts socket → log', 'admin emit (reference)', 'xadd (reference)'].flatMap((contender) =>
        [500, 2000].map((rate) => ({
          contender,
          rate,
          achieved: median(contender, rate, 'achievedRate'),
          'p50 ms': median(contender, rate, 'p50').toFixed(2),
          'p99 ms': median(contender, rate, 'p99').toFixed(2),
          'max ms': median(contender, rate, 'max').toFixed(2),
        })),
      );
      ctx.printTable(rows);
      const highest = ctx.median(best);
      ctx.log.info(
        `highest sustained XTS rate (p99 ≤ ${SUSTAIN_P99_MS} ms, nothing missing; median of ${runs}): ${highest}/s (ladder up to ${ladder.at(-1)}/s)`,
      );
      await ctx.writeResult('ingest-xts', {
        rows,
        highestSustainedRate: highest,
        sustainP99Ms: SUSTAIN_P99_MS,
        steps: results,
      });
    } finally {
      sender?.close();
      client?.disconnect();
      await watcher?.stop();
      await app?.stop();
      await sim?.stop();
      await redis?.stop();
    }
  },
});
