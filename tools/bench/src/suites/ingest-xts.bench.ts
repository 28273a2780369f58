import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { freePort, startRedisServer, type RedisServerHandle, tsExecArgv } from '@fillwire/testing';
import Redis from 'ioredis';
import { defineSuite, type BenchContext } from '../bench.types';
import {
  climbLogged,
  latenciesOf,
  load1m,
  LogWatcher,
  medianRows,
  processCpuMs,
  startChild,
  stopChild,
  sustained,
  SUSTAIN_P99_MS,
  waitHttp,
  wallNow,
  warnIfBusy,
  type Child,
  type StepResult,
} from '../ingest-harness';
import type { FromFeeder, ToFeeder } from '../xts-feeder';
import { nextMessage } from '../child-ipc';

/*
 * Ingest benchmark, XTS half: an XTS socket `order` event (a JSON string) emitted by the broker
 * simulator → jainam-gateway (child process, socket.io EIO=3) → the `order.updated` event on
 * `<prefix>:events`, seen by an XREAD BLOCK reader here. Three processes besides Redis: the feeder
 * (simulator in-process, paced emits straight to the gateway's socket; xts-feeder.ts), the gateway,
 * and this one (reader, reference). Latency = seen here − emitted there, both wall clock on one host.
 * Each event is a new order (its own AppOrderID), so nothing is deduplicated. Private Redis with AOF
 * everysec. Reference in the same run: a bare XADD of a same-sized entry from here, same reader.
 */

const RATES = [500, 2000] as const;
const XTS = 'xts socket → log';
const XADD = 'xadd (reference)';

/** The feeder process: the simulator plus a paced emitter, driven over IPC. */
class Feeder {
  private constructor(
    private readonly child: ChildProcess,
    readonly xtsUrl: string,
  ) {}

  static async start(): Promise<Feeder> {
    const child = fork(join(__dirname, '..', 'xts-feeder.ts'), [], {
      execArgv: tsExecArgv(),
      env: process.env,
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const ready = await nextMessage<FromFeeder, 'ready'>(child, 'ready', 30_000);
    return new Feeder(child, ready.xtsUrl);
  }

  async emit(base: number, rate: number, durationMs: number): Promise<Extract<FromFeeder, { type: 'done' }>> {
    this.child.send({ type: 'step', base, rate, durationMs } satisfies ToFeeder);
    return nextMessage<FromFeeder, 'done'>(this.child, 'done', durationMs + 30_000);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.send({ type: 'stop' } satisfies ToFeeder);
    const timer = setTimeout(() => void stopChild(this.child), 5000);
    await exited;
    clearTimeout(timer);
  }
}

async function xtsStep(
  ctx: BenchContext,
  feeder: Feeder,
  watcher: LogWatcher,
  rate: number,
  durationMs: number,
  base: number,
  gatewayPid: number | undefined,
  contender = XTS,
): Promise<StepResult> {
  watcher.reset();
  const cpuBefore = processCpuMs(gatewayPid);
  const done = await feeder.emit(base, rate, durationMs);
  const sent = new Map(done.sentAt.map((at, i) => [String(base + i), at]));
  const missing = await watcher.drain([...sent.keys()]);
  const cpuAfter = processCpuMs(gatewayPid);
  const s = ctx.summarize(latenciesOf(sent, (key) => watcher.seenAt(key)));
  return {
    contender,
    rate,
    achievedRate: Math.round(done.achievedRate),
    sent: sent.size,
    failed: done.failed,
    missing: Math.max(0, missing - done.failed),
    p50: s.p50,
    p99: s.p99,
    max: s.max,
    cpuUsPerEvent:
      cpuBefore === undefined || cpuAfter === undefined
        ? undefined
        : ((cpuAfter - cpuBefore) * 1000) / sent.size,
    load1m: load1m(),
  };
}

async function xaddStep(
  ctx: BenchContext,
  redis: Redis,
  stream: string,
  envelopeSize: number,
  watcher: LogWatcher,
  rate: number,
  durationMs: number,
  base: number,
): Promise<StepResult> {
  watcher.reset();
  const pad = 'x'.repeat(Math.max(0, envelopeSize - 40));
  const sent = new Map<string, number>();
  const report = await ctx.pace({
    rate,
    durationMs,
    send: (i) => {
      const key = String(base + i);
      sent.set(key, wallNow());
      return redis.xadd(stream, '*', 'envelope', `{"key":"${key}","pad":"${pad}"}`);
    },
  });
  const missing = await watcher.drain([...sent.keys()]);
  const s = ctx.summarize(latenciesOf(sent, (key) => watcher.seenAt(key)));
  return {
    contender: XADD,
    rate,
    achievedRate: Math.round(report.achievedRate),
    sent: report.sent,
    failed: report.failed,
    missing,
    p50: s.p50,
    p99: s.p99,
    max: s.max,
    load1m: load1m(),
  };
}

export default defineSuite({
  name: 'ingest-xts',
  description:
    'XTS socket order event (simulator in a feeder process) → event on the log via jainam-gateway in a child process; Redis AOF everysec; reference: bare XADD; gateway CPU per event',
  async run(ctx) {
    const runs = ctx.quick ? 1 : ctx.runs;
    const durationMs = ctx.quick ? 700 : 4000;
    const ladder = ctx.quick ? [4000] : [3000, 4000, 5000, 6000, 8000, 10000];
    const cores = availableParallelism();
    let redis: RedisServerHandle | undefined;
    let feeder: Feeder | undefined;
    let app: Child | undefined;
    let watcher: LogWatcher | undefined;
    let client: Redis | undefined;
    try {
      const loadBefore = warnIfBusy(ctx, cores);
      const [started, server, appPort] = await Promise.all([
        Feeder.start(),
        startRedisServer({ aof: true, fsync: 'everysec' }),
        freePort(),
      ]);
      feeder = started;
      redis = server;
      const prefix = 'bench-ingest-xts';
      const stream = `${prefix}:events`;
      app = startChild('apps/jainam-gateway/src/main.ts', {
        PORT: String(appPort),
        REDIS_URL: redis.url,
        FILLWIRE_PREFIX: prefix,
        LOG_LEVEL: 'warn',
        XTS_BASE_URL: feeder.xtsUrl,
      });
      await waitHttp(`http://127.0.0.1:${appPort}/ready`, 30_000, app);
      const pid = app.proc.pid;
      watcher = new LogWatcher(redis.url, stream);
      await watcher.start();
      client = new Redis(redis.url);
      let base = 3_000_000_000;
      const nextBase = (): number => (base += 1_000_000);
      // Warm-up: JIT (a few thousand events before the hot path is optimized), connections, script cache.
      await xtsStep(ctx, feeder, watcher, 1500, ctx.quick ? 1500 : 3000, nextBase(), pid, 'warm-up');
      const sample = (await client.xrevrange(stream, '+', '-', 'COUNT', 1)) as [string, string[]][];
      const envelopeSize = sample[0]?.[1][1]?.length ?? 1000;
      ctx.gc();

      const results: StepResult[] = [];
      const highest: number[] = [];
      for (let run = 1; run <= runs; run++) {
        let best = 0;
        for (const rate of RATES) {
          const r = await xtsStep(ctx, feeder, watcher, rate, durationMs, nextBase(), pid);
          if (sustained(r)) best = rate;
          results.push(
            r,
            await xaddStep(ctx, client, stream, envelopeSize, watcher, rate, durationMs, nextBase()),
          );
          ctx.gc();
        }
        const f = feeder;
        const w = watcher;
        const climbed = await climbLogged(ctx, run, ladder, best, (rate) =>
          xtsStep(ctx, f, w, rate, durationMs, nextBase(), pid),
        );
        results.push(...climbed.steps);
        highest.push(climbed.highest);
      }
      const rows = medianRows(ctx, results, [XTS, XADD], RATES);
      ctx.printTable(rows);
      const highestSustained = ctx.median(highest);
      ctx.log.info(
        `highest sustained XTS rate (p99 ≤ ${SUSTAIN_P99_MS} ms, nothing lost): ${highestSustained}/s (median of ${runs}; per run ${highest.join(', ')}); envelope ${envelopeSize} bytes; load ${loadBefore} → ${load1m()} on ${cores} cores`,
      );
      const written = await ctx.writeResult('ingest-xts', {
        runs,
        durationMs,
        sustainP99Ms: SUSTAIN_P99_MS,
        loadAverage1m: { before: loadBefore, after: load1m() },
        table: rows,
        highestSustained,
        highestPerRun: highest,
        steps: results,
      });
      ctx.log.info(`written ${written.latest}`);
    } finally {
      client?.disconnect();
      await watcher?.stop();
      await app?.stop();
      await feeder?.stop();
      await redis?.stop();
    }
  },
});
