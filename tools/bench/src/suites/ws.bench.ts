import { fork, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { EventPublisher } from '@fillwire/event-bus';
import { createEnvelope, preciseNow, sampleOrder } from '@fillwire/events';
import { IdentityRepository, IdentityService } from '@fillwire/identity';
import { freePort, startRedisServer } from '@fillwire/testing';
import Redis from 'ioredis';
import WebSocket from 'ws';
import { defineSuite, type BenchContext } from '../bench.types';

/**
 * notifier WebSocket push: N clients (4 per user) in a separate process, order updates published to
 * the event log at a paced rate for random users; latency = client receipt − envelope ts (same host
 * clock). Runs notifier as its own process (as in production) and reads its CPU from /proc.
 * This file is also the clients process: forked with WS_BENCH_ROLE=clients.
 */
const CLIENTS_PER_USER = 4;
const RATE = 2000;
const TARGET_P99_MS = 20;
/** WS_BENCH_PROFILE=<dir>: CPU profiles of the notifier and the clients process land there. */
const PROFILE = process.env.WS_BENCH_PROFILE
  ? ['--cpu-prof', `--cpu-prof-dir=${process.env.WS_BENCH_PROFILE}`]
  : [];

type ToClients = { type: 'open'; url: string; keys: string[] } | { type: 'collect' } | { type: 'stop' };
type FromClients =
  { type: 'opened'; open: number; failed: number } | { type: 'collected'; latencies: number[] };

function clientsProcess(): void {
  const sockets: WebSocket[] = [];
  let latencies: number[] = [];
  const send = (m: FromClients): void => void process.send?.(m);
  process.on('message', (m: ToClients) => {
    if (m.type === 'collect') {
      send({ type: 'collected', latencies });
      latencies = [];
    } else if (m.type === 'stop') {
      for (const s of sockets) s.terminate();
      // A normal exit writes the CPU profile when one was asked for.
      setImmediate(() => process.exit(0));
    } else void openAll(m.url, m.keys);
  });
  async function openAll(url: string, keys: string[]): Promise<void> {
    let failed = 0;
    const one = (key: string): Promise<void> =>
      new Promise((resolve) => {
        const ws = new WebSocket(`${url}?token=${key}`);
        ws.on('message', (raw: Buffer) => {
          const frame = JSON.parse(raw.toString()) as { event: string; ts: number };
          if (frame.event === 'subscribed') return resolve();
          if (frame.event === 'order_update') latencies.push(preciseNow() - frame.ts);
        });
        ws.on('open', () => ws.send('{"action":"subscribe","channels":["orders"]}'));
        ws.on('error', () => {
          failed++;
          resolve();
        });
        sockets.push(ws);
      });
    for (let i = 0; i < keys.length; i += 100) await Promise.all(keys.slice(i, i + 100).map(one));
    send({ type: 'opened', open: sockets.length - failed, failed });
  }
}

class Clients {
  private constructor(readonly child: ChildProcess) {}
  static start(): Clients {
    return new Clients(
      fork(__filename, [], {
        execArgv: [...PROFILE, '-r', '@swc-node/register'],
        env: { ...process.env, WS_BENCH_ROLE: 'clients' },
      }),
    );
  }
  request<T extends FromClients['type']>(
    m: ToClients,
    reply: T,
    timeoutMs = 120_000,
  ): Promise<Extract<FromClients, { type: T }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`clients: no ${reply}`)), timeoutMs);
      const on = (msg: FromClients): void => {
        if (msg.type !== reply) return;
        clearTimeout(timer);
        this.child.off('message', on);
        resolve(msg as Extract<FromClients, { type: T }>);
      };
      this.child.on('message', on);
      this.child.send(m);
    });
  }
  stop(): void {
    this.child.send({ type: 'stop' } satisfies ToClients);
  }
}

function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

interface RunResult {
  clients: number;
  connected: number;
  events: number;
  frames: number;
  p50: number;
  p99: number;
  max: number;
  notifierCpuPct: number;
  clientsCpuPct: number;
  /** Envelope ts → XADD acknowledged, at the publisher (the first hop of the delivery latency). */
  publishP50: number;
  publishP99: number;
  /** Envelope ts → fan-out in notifier, mean from its histogram (the middle hop). */
  notifierMeanMs: number;
}

/** Mean of a Prometheus histogram from its _sum and _count lines. */
function histogramMeanMs(metrics: string, name: string): number {
  const sum = Number(
    /^\S+_sum(?:\{[^}]*\})? (\S+)$/m.exec(
      metrics
        .split('\n')
        .filter((l) => l.startsWith(name))
        .join('\n'),
    )?.[1],
  );
  const count = Number(
    /^\S+_count(?:\{[^}]*\})? (\S+)$/m.exec(
      metrics
        .split('\n')
        .filter((l) => l.startsWith(name))
        .join('\n'),
    )?.[1],
  );
  return count > 0 ? (sum / count) * 1000 : NaN;
}

async function runOnce(ctx: BenchContext, clientCount: number, durationMs: number): Promise<RunResult> {
  const redis = await startRedisServer();
  const prefix = 'wsbench';
  const port = await freePort();
  const users = Math.ceil(clientCount / CLIENTS_PER_USER);
  const conn = new Redis(redis.url);
  const identity = new IdentityService(new IdentityRepository(conn, prefix));
  const keys: string[] = [];
  for (let u = 0; u < users; u++) {
    await identity.addUser({ id: `u${u}` });
    await identity.linkAccount(`u${u}`, 'zerodha', `ZB${u}`);
    const { apiKey } = await identity.issueKey(`u${u}`);
    for (let c = 0; c < CLIENTS_PER_USER && keys.length < clientCount; c++) keys.push(apiKey);
  }
  const notifier = spawn(
    process.execPath,
    [...PROFILE, '-r', '@swc-node/register', 'apps/notifier/src/main.ts'],
    {
      cwd: join(__dirname, '..', '..', '..', '..'),
      env: {
        ...process.env,
        REDIS_URL: redis.url,
        FILLWIRE_PREFIX: prefix,
        PORT: String(port),
        LOG_LEVEL: 'warn',
        HOST: '127.0.0.1',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const clients = Clients.start();
  const bus = new EventPublisher({ url: redis.url, prefix });
  try {
    for (let i = 0; i < 200; i++) {
      const ok = await fetch(`http://127.0.0.1:${port}/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      await sleep(100);
    }
    const opened = await clients.request({ type: 'open', url: `ws://127.0.0.1:${port}/ws`, keys }, 'opened');
    await clients.request({ type: 'collect' }, 'collected');
    const cpuBefore = cpuTicks(notifier.pid!);
    const clientsCpuBefore = cpuTicks(clients.child.pid!);
    const publishMs: number[] = [];
    const started = performance.now();
    let seq = 0;
    const report = await ctx.pace({
      rate: RATE,
      durationMs,
      send: () => {
        const u = seq++ % users;
        const order = sampleOrder({
          accountId: `ZB${u}`,
          brokerOrderId: `B${seq}`,
          filledQuantity: seq % 10,
          pendingQuantity: 10 - (seq % 10),
        });
        const envelope = createEnvelope('order.updated', { order }, { source: 'test', ts: preciseNow() });
        return bus.publish(envelope).then(() => publishMs.push(preciseNow() - envelope.ts));
      },
    });
    await sleep(500);
    const elapsedS = (performance.now() - started) / 1000;
    const cpu = ((cpuTicks(notifier.pid!) - cpuBefore) / 100 / elapsedS) * 100;
    const clientsCpu = ((cpuTicks(clients.child.pid!) - clientsCpuBefore) / 100 / elapsedS) * 100;
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const pub = ctx.summarize(publishMs);
    const { latencies } = await clients.request({ type: 'collect' }, 'collected');
    const s = ctx.summarize(latencies);
    return {
      clients: clientCount,
      connected: opened.open,
      events: report.sent,
      frames: latencies.length,
      p50: s.p50,
      p99: s.p99,
      max: s.max,
      notifierCpuPct: Math.round(cpu),
      clientsCpuPct: Math.round(clientsCpu),
      publishP50: pub.p50,
      publishP99: pub.p99,
      notifierMeanMs: histogramMeanMs(metrics, 'fillwire_ws_delivery_latency_seconds'),
    };
  } finally {
    clients.stop();
    notifier.kill('SIGTERM');
    await bus.close();
    conn.disconnect();
    await sleep(300);
    await redis.stop();
  }
}

export default defineSuite({
  name: 'ws',
  description: `notifier WebSocket push: clients in another process, ${RATE} events/s, latency p50/p99, CPU, clients per replica`,
  async run(ctx) {
    const durationMs = ctx.quick ? 3000 : 10_000;
    const levels = ctx.quick ? [1000] : [1000, 2500, 5000];
    const rows: Array<Record<string, string | number>> = [];
    const all: RunResult[][] = [];
    for (const level of levels) {
      const runs: RunResult[] = [];
      for (let r = 0; r < (ctx.quick ? 1 : ctx.runs); r++) {
        ctx.gc();
        runs.push(await runOnce(ctx, level, durationMs));
        ctx.log.info(
          `${level} clients run ${r + 1}: p99 ${runs[r].p99.toFixed(2)} ms, cpu ${runs[r].notifierCpuPct}%`,
        );
      }
      all.push(runs);
      const med = (f: (x: RunResult) => number): number => ctx.median(runs.map(f));
      rows.push({
        clients: level,
        connected: med((x) => x.connected),
        'events/s': RATE,
        'frames/s': Math.round(med((x) => x.frames) / (durationMs / 1000)),
        'p50 ms': med((x) => x.p50).toFixed(2),
        'p99 ms': med((x) => x.p99).toFixed(2),
        'max ms': med((x) => x.max).toFixed(1),
        'notifier CPU %': med((x) => x.notifierCpuPct),
        'clients CPU %': med((x) => x.clientsCpuPct),
        'publish p50/p99 ms': `${med((x) => x.publishP50).toFixed(1)}/${med((x) => x.publishP99).toFixed(1)}`,
        'notifier mean ms': med((x) => x.notifierMeanMs).toFixed(1),
      });
    }
    ctx.printTable(rows);
    const held = rows
      .filter((r) => Number(r['p99 ms']) <= TARGET_P99_MS && r.connected === r.clients)
      .map((r) => Number(r.clients));
    const most = held.length ? Math.max(...held) : 0;
    ctx.log.info(
      `most clients one replica held with p99 ≤ ${TARGET_P99_MS} ms at ${RATE} events/s: ${most || 'none of the levels'}`,
    );
    ctx.log.info(`load average (1 min) ${loadavg()[0].toFixed(1)} on this shared machine`);
    const written = await ctx.writeResult('ws', {
      loadAverage1m: loadavg()[0],
      rate: RATE,
      targetP99Ms: TARGET_P99_MS,
      summary: rows,
      mostClientsWithinTarget: most,
      runs: all,
    });
    ctx.log.info(`written ${written.latest}`);
  },
});

if (process.env.WS_BENCH_ROLE === 'clients' && require.main === module) {
  clientsProcess();
}
