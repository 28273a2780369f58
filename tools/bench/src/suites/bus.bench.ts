import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { EventConsumer, EventPublisher, JobQueues } from '@fillwire/event-bus';
import type { EventEnvelope } from '@fillwire/events';
import { startRedisServer, type RedisServerHandle, tsExecArgv } from '@fillwire/testing';
import Redis from 'ioredis';
import { defineSuite, type BenchContext } from '../bench.types';

/*
 * Bus benchmark: publish → handler in 2 services with 2 replicas each, every replica in its own
 * process (the load generator must not share an event loop with the consumers), on a private
 * redis-server with AOF (appendfsync everysec). Contenders: our Redis Streams bus (1 XADD read by
 * 2 consumer groups) and the reference, one BullMQ job per subscribing service (2× Queue.add → Worker).
 * This file is also the replica process: forked with BUS_BENCH_ROLE set, it runs `replica()`.
 */

type Contender = 'streams' | 'bullmq';
const SERVICES = ['portfolio-manager', 'notifier'] as const;
const REPLICAS = 2;
/** p99 above this means the system no longer keeps up (queues grow). */
const P99_LIMIT_MS = 50;
/** After the last send, deliveries must complete within this, or the step counts as loss. */
const DRAIN_MS = 3000;
const QUICK_DRAIN_MS = 1000;

type ToReplica =
  { type: 'reset'; from: number; to: number } | { type: 'count' } | { type: 'collect' } | { type: 'stop' };
type FromReplica =
  | { type: 'ready' }
  | { type: 'count'; received: number }
  | { type: 'collect'; latencies: number[]; cpuMicros: number };

const now = (): number => performance.timeOrigin + performance.now();

// ---------------------------------------------------------------- replica (child process)

async function replica(): Promise<void> {
  const role = process.env.BUS_BENCH_ROLE as Contender;
  const url = process.env.BUS_BENCH_URL ?? '';
  const prefix = process.env.BUS_BENCH_PREFIX ?? '';
  const service = process.env.BUS_BENCH_SERVICE ?? '';
  let latencies: number[] = [];
  let received = 0;
  let cpuAtReset = process.cpuUsage();
  // Only the current step's events count: a backlog from the previous step must not look like delivery.
  let range = { from: 0, to: -1 };
  const record = (receivedAt: number, seq: number): void => {
    if (seq < range.from || seq > range.to) return;
    latencies.push(now() - receivedAt);
    received++;
  };

  let close: () => Promise<void>;
  if (role === 'streams') {
    const consumer = new EventConsumer({
      url,
      prefix,
      group: service,
      consumer: `${service}-${process.pid}`,
      batchSize: 100,
      handler: (envelope) => record(envelope.receivedAt, Number(envelope.id.slice('bench-'.length))),
    });
    await consumer.start();
    close = () => consumer.close();
  } else {
    const jobs = new JobQueues({ url, prefix });
    const worker = jobs.worker<{ receivedAt: number; seq: number }>(
      `bench-${service}`,
      (job) => {
        record(job.data.receivedAt, job.data.seq);
        return Promise.resolve();
      },
      { concurrency: 10 },
    );
    await worker.waitUntilReady();
    close = () => jobs.close();
  }

  const send = (message: FromReplica): void => void process.send?.(message);
  process.on('message', (message: ToReplica) => {
    switch (message.type) {
      case 'reset':
        range = { from: message.from, to: message.to };
        latencies = [];
        received = 0;
        cpuAtReset = process.cpuUsage();
        break;
      case 'count':
        send({ type: 'count', received });
        break;
      case 'collect':
        {
          const cpu = process.cpuUsage(cpuAtReset);
          send({ type: 'collect', latencies, cpuMicros: cpu.user + cpu.system });
        }
        break;
      case 'stop':
        void close().finally(() => process.exit(0));
        break;
    }
  });
  send({ type: 'ready' });
}

// ---------------------------------------------------------------- load generator (parent)

class Replica {
  private constructor(private readonly child: ChildProcess) {}

  static async start(role: Contender, url: string, prefix: string, service: string): Promise<Replica> {
    const child = fork(__filename, [], {
      execArgv: tsExecArgv(),
      env: {
        ...process.env,
        BUS_BENCH_ROLE: role,
        BUS_BENCH_URL: url,
        BUS_BENCH_PREFIX: prefix,
        BUS_BENCH_SERVICE: service,
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const r = new Replica(child);
    await r.next('ready', 30_000);
    return r;
  }

  async count(): Promise<number> {
    this.child.send({ type: 'count' } satisfies ToReplica);
    const reply = await this.next('count');
    return reply.type === 'count' ? reply.received : 0;
  }

  async collect(): Promise<{ latencies: number[]; cpuMicros: number }> {
    this.child.send({ type: 'collect' } satisfies ToReplica);
    const reply = await this.next('collect');
    return reply.type === 'collect' ? reply : { latencies: [], cpuMicros: 0 };
  }

  reset(from: number, to: number): void {
    this.child.send({ type: 'reset', from, to } satisfies ToReplica);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.send({ type: 'stop' } satisfies ToReplica);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }

  private next(type: FromReplica['type'], timeoutMs = 10_000): Promise<FromReplica> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.child.off('message', onMessage);
        reject(new Error(`replica ${this.child.pid} sent no "${type}" within ${timeoutMs} ms`));
      }, timeoutMs);
      const onMessage = (message: FromReplica): void => {
        if (message.type !== type) return;
        clearTimeout(timer);
        this.child.off('message', onMessage);
        resolve(message);
      };
      this.child.on('message', onMessage);
    });
  }
}

interface Producer {
  send(seq: number): Promise<unknown>;
  close(): Promise<void>;
}

async function producerFor(role: Contender, url: string, prefix: string): Promise<Producer> {
  if (role === 'streams') {
    const publisher = new EventPublisher({ url, prefix });
    await publisher.connect();
    return {
      send: (seq) => {
        const t = now();
        const envelope: EventEnvelope = {
          id: `bench-${seq}`,
          type: 'order.updated',
          version: 1,
          ts: Math.floor(t),
          receivedAt: t,
          source: 'test',
          userId: 'demo',
          accountId: 'AB1234',
          broker: 'zerodha',
          key: `order-${seq % 100}`,
          data: { orderId: `order-${seq % 100}`, status: 'OPEN', filledQuantity: 0 },
        };
        return publisher.publish(envelope);
      },
      close: () => publisher.close(),
    };
  }
  const jobs = new JobQueues({ url, prefix, defaultJobOptions: { attempts: 1, removeOnComplete: true } });
  const queues = SERVICES.map((service) =>
    jobs.queue<{ receivedAt: number; seq: number; data: object }>(`bench-${service}`),
  );
  await Promise.all(queues.map((q) => q.waitUntilReady()));
  return {
    send: (seq) => {
      const t = now();
      const data = {
        receivedAt: t,
        seq,
        data: { orderId: `order-${seq % 100}`, status: 'OPEN', filledQuantity: 0 },
      };
      return Promise.all(queues.map((q) => q.add('order.updated', data, { jobId: `bench-${seq}` })));
    },
    close: () => jobs.close(),
  };
}

interface StepResult {
  rate: number;
  achievedRate: number;
  sent: number;
  expected: number;
  received: number;
  publishFailures: number;
  p50: number;
  p99: number;
  max: number;
  /** CPU per published event: the producer process, and all replicas together (µs). */
  producerCpuMicros: number;
  replicasCpuMicros: number;
}

async function step(
  ctx: BenchContext,
  producer: Producer,
  replicas: Replica[],
  rate: number,
  durationMs: number,
  seqBase: number,
): Promise<StepResult> {
  const total = Math.floor((rate * durationMs) / 1000);
  for (const r of replicas) r.reset(seqBase, seqBase + total - 1);
  const producerCpu = process.cpuUsage();
  const report = await ctx.pace({ rate, durationMs, send: (i) => producer.send(seqBase + i) });
  const producerUsage = process.cpuUsage(producerCpu);
  const expected = (report.sent - report.failed) * SERVICES.length;
  let received = 0;
  const deadline = Date.now() + (ctx.quick ? QUICK_DRAIN_MS : DRAIN_MS);
  while (Date.now() < deadline) {
    received = (await Promise.all(replicas.map((r) => r.count()))).reduce((a, b) => a + b, 0);
    if (received >= expected) break;
    await sleep(50);
  }
  const collected = await Promise.all(replicas.map((r) => r.collect()));
  const s = ctx.summarize(collected.flatMap((c) => c.latencies));
  const perEvent = (micros: number) => (report.sent > 0 ? micros / report.sent : 0);
  return {
    rate,
    achievedRate: report.achievedRate,
    sent: report.sent,
    expected,
    received,
    publishFailures: report.failed,
    p50: s.p50,
    p99: s.p99,
    max: s.max,
    producerCpuMicros: perEvent(producerUsage.user + producerUsage.system),
    replicasCpuMicros: perEvent(collected.reduce((sum, c) => sum + c.cpuMicros, 0)),
  };
}

const lossless = (r: StepResult): boolean =>
  r.publishFailures === 0 &&
  r.received === r.expected &&
  r.p99 <= P99_LIMIT_MS &&
  r.achievedRate >= r.rate * 0.95;

interface RunResult {
  latency: Record<number, StepResult>;
  ramp: StepResult[];
  sustained: number;
}

async function runContender(
  ctx: BenchContext,
  server: RedisServerHandle,
  role: Contender,
  run: number,
  plan: { latencyRates: number[]; latencyMs: number; rampRates: number[]; rampMs: number },
): Promise<RunResult> {
  const prefix = `bench-${role}-${run}`;
  const replicas = await Promise.all(
    SERVICES.flatMap((service) =>
      Array.from({ length: REPLICAS }, () => Replica.start(role, server.url, prefix, service)),
    ),
  );
  const producer = await producerFor(role, server.url, prefix);
  let seq = 0;
  try {
    // Warm-up: connections, scripts, JIT (cold replicas are several times slower for the first seconds).
    await step(ctx, producer, replicas, 2000, ctx.quick ? 1000 : 3000, seq);
    seq += 10_000;
    const latency: Record<number, StepResult> = {};
    for (const rate of plan.latencyRates) {
      latency[rate] = await step(ctx, producer, replicas, rate, plan.latencyMs, seq);
      seq += rate * 10;
    }
    const ramp: StepResult[] = [];
    let sustained = 0;
    for (const rate of plan.rampRates) {
      const result = await step(ctx, producer, replicas, rate, plan.rampMs, seq);
      seq += rate * 10;
      ramp.push(result);
      if (!lossless(result)) break;
      sustained = rate;
    }
    const fmt = (r: StepResult) =>
      `${r.rate}/s p99 ${r.p99.toFixed(2)} ms, CPU/event producer ${r.producerCpuMicros.toFixed(0)} µs + replicas ${r.replicasCpuMicros.toFixed(0)} µs${lossless(r) ? '' : ' (broke)'}`;
    ctx.log.info(
      `run ${run} ${role}: ${Object.values(latency).map(fmt).join(', ')}; sustained ${sustained}/s`,
    );
    return { latency, ramp, sustained };
  } finally {
    await producer.close();
    await Promise.all(replicas.map((r) => r.stop()));
    const admin = new Redis(server.url);
    await admin.flushall();
    admin.disconnect();
  }
}

export default defineSuite({
  name: 'bus',
  description:
    'event bus: Redis Streams (2 groups × 2 replicas) vs one BullMQ job per subscriber, AOF everysec',
  async run(ctx) {
    const runs = ctx.quick ? 1 : ctx.runs;
    const plan = ctx.quick
      ? { latencyRates: [1000, 4000], latencyMs: 700, rampRates: [10_000], rampMs: 700 }
      : {
          latencyRates: [1000, 4000],
          latencyMs: 4000,
          rampRates: [1000, 2000, 4000, 6000, 8000, 10_000, 12_000, 15_000, 20_000],
          rampMs: 2000,
        };
    const loadBefore = loadavg()[0];
    const cores = availableParallelism();
    if (loadBefore > cores) {
      ctx.log.warn(
        `machine busy (load ${loadBefore.toFixed(1)} on ${cores} cores): latencies will mostly measure scheduling`,
      );
    }
    const server = await startRedisServer({ aof: true, fsync: 'everysec' });
    const results: Record<Contender, RunResult[]> = { streams: [], bullmq: [] };
    try {
      for (let run = 1; run <= runs; run++) {
        for (const role of ['streams', 'bullmq'] as const) {
          results[role].push(await runContender(ctx, server, role, run, plan));
          ctx.gc();
        }
      }
    } finally {
      await server.stop();
    }

    const med = (values: number[]) => ctx.median(values);
    const summary = (role: Contender) => {
      const rs = results[role];
      const at = (rate: number, key: 'p50' | 'p99') => med(rs.map((r) => r.latency[rate][key]));
      return {
        contender: role === 'streams' ? 'Redis Streams (ours)' : 'BullMQ job per subscriber',
        'p50 @1k (ms)': at(1000, 'p50'),
        'p99 @1k (ms)': at(1000, 'p99'),
        'p50 @4k (ms)': at(4000, 'p50'),
        'p99 @4k (ms)': at(4000, 'p99'),
        'sustained (ev/s)': med(rs.map((r) => r.sustained)),
      };
    };
    const rows = [summary('streams'), summary('bullmq')];
    ctx.printTable(rows);
    const ours = rows[0];
    const ref = rows[1];
    const targets = {
      'p99 <= 5 ms at 4,000/s': ours['p99 @4k (ms)'] <= 5,
      'p99 at 1,000/s <= half of BullMQ': ours['p99 @1k (ms)'] <= ref['p99 @1k (ms)'] / 2,
      '>= 10,000 events/s sustained': ours['sustained (ev/s)'] >= 10_000,
    };
    for (const [target, met] of Object.entries(targets))
      ctx.log.info(`${met ? 'MET    ' : 'MISSED '} ${target}`);
    const written = await ctx.writeResult('bus', {
      setup: {
        redis: 'private redis-server, appendonly yes, appendfsync everysec',
        services: SERVICES,
        replicasPerService: REPLICAS,
        replicaProcesses: SERVICES.length * REPLICAS,
        latency: 'envelope.receivedAt (set just before publish) → handler start, across processes',
        sustained: `highest step with zero loss, every delivery within ${DRAIN_MS} ms and p99 <= ${P99_LIMIT_MS} ms`,
        plan,
        runs,
        cores,
        loadAverage1m: { before: loadBefore, after: loadavg()[0] },
      },
      summary: rows,
      targets,
      runs: results,
    });
    ctx.log.info(`median of ${runs} run(s); written ${written.latest}`);
  },
});

if (process.env.BUS_BENCH_ROLE && require.main === module) {
  replica().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
