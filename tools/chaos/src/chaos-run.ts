import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LagMonitor } from '@fillwire/event-bus';
import {
  startRedisServer,
  startStack,
  type RedisServerHandle,
  type ServiceApp,
  type Stack,
} from '@fillwire/testing';
import Redis from 'ioredis';
import { ChaosEventLog } from './chaos-event-log';
import { evaluate, screensBehind, type Findings, type Screen } from './chaos-evaluate';
import { ACCOUNTS, type ChaosOptions, type ChaosPreset } from './chaos-options';
import { OrderLoad, type LoadStats } from './order-load';
import { SimTruthSchema, type SimTruth } from './verify';
import { WsWatcher } from './ws-watcher';

export { FULL_RUN, SHORT_RUN, type ChaosOptions } from './chaos-options';

export interface FaultRecord {
  fault: string;
  /** Wall clock (ISO), to line faults up with the simulator's transition times. */
  time: string;
  /** ms since the load started. */
  at: number;
  /** How long the part was gone (until ready again). */
  outageMs: number;
}

export interface ChaosReport extends Omit<Findings, 'totals'> {
  ok: boolean;
  /** The system settled before the checks ran (see settle). */
  quiet: boolean;
  startedAt: string;
  durationMs: number;
  options: ChaosPreset;
  totals: Findings['totals'] & { faults: number };
  faults: FaultRecord[];
  /** What the simulator's fault injector did to the broker pushes. */
  brokerFaults: Record<string, unknown>;
  load: LoadStats;
}

/** One run's moving parts. */
interface Run {
  options: ChaosOptions;
  redis: RedisServerHandle;
  stack: Stack;
  log: ChaosEventLog;
  screens: Screen[];
}

const SYMBOLS = ['SBIN', 'RELIANCE', 'INFY'];
const SERVICES: ServiceApp[] = [
  'order-api',
  'notifier',
  'zerodha-postback',
  'jainam-gateway',
  'portfolio-manager',
];
const FINAL = new Set(['complete', 'cancelled', 'rejected']);

/**
 * The chaos run: a private Redis with AOF, the simulators with duplicate and reorder faults, the five
 * services, WebSocket screens for both demo users and a steady order load; kill -9 of each service,
 * a Redis restart and a cut of the broker sockets in turn; then, once quiet, the simulator's ground
 * truth against the event log, portfolio-manager's state and what every screen received.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const started = Date.now();
  // appendfsync always: a kill -9 of Redis then loses only what Redis never acknowledged.
  const redis = await startRedisServer({ aof: true, fsync: 'always' });
  const client = new Redis(redis.url, { maxRetriesPerRequest: null, lazyConnect: true });
  client.on('error', () => undefined);
  let stack: Stack | undefined;
  let load: OrderLoad | undefined;
  const screens: Screen[] = [];
  try {
    const prefix = `chaos-${randomBytes(4).toString('hex')}`;
    options.log(`booting Redis (AOF) on ${redis.port}, the simulators and the services (prefix ${prefix})`);
    stack = await startStack({
      env: { REDIS_URL: redis.url, FILLWIRE_PREFIX: prefix, LOG_LEVEL: options.serviceLogLevel },
      replicas: { notifier: options.notifierReplicas },
      simEnv: { SIM_PARTIAL_FILL_PROBABILITY: String(options.partialFillProbability) },
    });
    await client.connect();
    const run: Run = { options, redis, stack, log: new ChaosEventLog(client, prefix), screens };
    screens.push(...(await openScreens(stack, options.notifierReplicas)));
    const since = await run.log.lastId();
    for (const s of screens) s.watcher.countFrom(since);
    const pushFaults = { duplicate: options.duplicate, reorder: options.reorder };
    await stack.sim.admin('/_sim/faults', {
      channels: { postback: pushFaults, ticker: pushFaults, 'xts-socket': pushFaults },
    });

    load = startLoad(stack, options, prefix);
    const faults = await injectFaults(run);
    const loadStats = await load.stop(60_000);
    options.log(
      `load stopped: ${loadStats.placed} placed, ${loadStats.retries} retries, ${loadStats.recovered} recovered by tag`,
    );
    const brokerFaults = (await stack.sim.admin<{ faults: Record<string, unknown> }>('/_sim/faults')).faults;
    // The load is over: release whatever the reorder windows still hold.
    await stack.sim.admin('/_sim/faults', { reset: true });

    const monitor = new LagMonitor({ redis: client, prefix });
    const quiet = await settle(run, since, monitor);
    options.log(
      quiet
        ? 'quiet: every order final, every group caught up, every screen caught up'
        : 'NOT quiet within the bound; checking anyway',
    );
    const findings = await evaluate(client, prefix, {
      truth: await groundTruth(stack),
      log: await run.log.read(),
      runLog: await run.log.read(since),
      status: await monitor.check(),
      screens,
      placedOrderIds: new Set(load.placedOrders.values()),
    });
    const totals = { ...findings.totals, faults: faults.length };
    const { log: _log, logDir: _dir, ...preset } = options;
    return {
      ...findings,
      ok: totals.lost + totals.duplicated + totals.mismatches === 0 && findings.sim.orders > 0,
      quiet,
      startedAt: new Date(started).toISOString(),
      durationMs: Date.now() - started,
      options: preset,
      totals,
      faults,
      brokerFaults,
      load: loadStats,
    };
  } finally {
    await load?.stop(0);
    await Promise.all(screens.map((s) => s.watcher.stop()));
    client.disconnect();
    await stack?.stop().catch((err: unknown) => options.log(`stack stop: ${String(err)}`));
    if (stack && options.logDir) await writeLogs(options.logDir, stack, options.log);
    await redis.stop();
  }
}

/** One screen per user and notifier replica, so a notifier kill hits some screens and not others. */
async function openScreens(stack: Stack, replicas: number): Promise<Screen[]> {
  const notifiers = (): string[] =>
    stack.services.filter((x) => x.app === 'notifier').map((x) => `${x.url.replace('http', 'ws')}/ws`);
  const screens: Screen[] = [];
  for (const [userId, apiKey] of [
    ['demo', stack.apiKeys.demo],
    ['demo2', stack.apiKeys.demo2],
  ] as const) {
    const accounts: string[] = ACCOUNTS.filter((a) => a.userId === userId).map((a) => a.accountId);
    for (let i = 0; i < replicas; i++) {
      const watcher = new WsWatcher(() => rotate(notifiers(), i), apiKey, `${userId}#${i}`);
      screens.push({ watcher, userId, accounts });
    }
  }
  await Promise.all(screens.map((s) => s.watcher.start()));
  return screens;
}

function startLoad(stack: Stack, options: ChaosOptions, runId: string): OrderLoad {
  const load = new OrderLoad({
    urls: () => stack.services.filter((x) => x.app === 'order-api').map((x) => x.url),
    accounts: ACCOUNTS.map((a) => ({
      accountId: a.accountId,
      apiKey: a.userId === 'demo' ? stack.apiKeys.demo : stack.apiKeys.demo2,
    })),
    ratePerSecond: options.ratePerSecond,
    symbols: SYMBOLS,
    runId,
  });
  options.log(
    `load: ${options.ratePerSecond} MARKET orders/s on ${ACCOUNTS.length} accounts; duplicate ${options.duplicate}, reorder ${options.reorder} on every broker channel`,
  );
  load.start();
  return load;
}

/** The faults in turn, each waited out (the part is back) before a pause and the next one. */
async function injectFaults({ options, redis, stack, log }: Run): Promise<FaultRecord[]> {
  const loadStart = Date.now();
  const faults: FaultRecord[] = [];
  const inject = async (fault: string, act: () => Promise<void>): Promise<void> => {
    const at = Date.now() - loadStart;
    const time = new Date().toISOString();
    await act();
    const outageMs = Date.now() - loadStart - at;
    faults.push({ fault, time, at, outageMs });
    options.log(`fault ${faults.length}: ${fault} (back after ${outageMs} ms)`);
    await sleep(options.faultGapMs);
  };
  await sleep(options.warmupMs);
  for (let cycle = 0; cycle < options.cycles; cycle++) {
    for (const app of SERVICES) {
      await inject(`kill -9 ${app}`, async () => {
        // Later cycles take the next replica where there are several.
        const replicas = stack.services.filter((x) => x.app === app).length;
        const service = stack.service(app, cycle % replicas);
        await service.kill('SIGKILL');
        await service.restart();
      });
    }
    await inject('restart Redis (kill -9, AOF)', async () => {
      await redis.kill();
      await sleep(options.redisDownMs);
      await redis.restart();
      await Promise.all(stack.services.map((x) => x.ready()));
    });
    await inject('cut broker sockets (Kite ticker, XTS socket)', async () => {
      const before = await log.lastId();
      await stack.sim.admin('/_sim/faults', {
        channels: { ticker: { disconnect: true }, 'xts-socket': { disconnect: true } },
      });
      await log.waitConnected(
        ACCOUNTS.map((a) => a.accountId),
        before,
      );
    });
  }
  await sleep(options.cooldownMs);
  return faults;
}

/**
 * Quiet = the log unchanged for `quietMs`, every simulator order final, every consumer group with
 * nothing pending or undelivered, every screen holding every frame meant for it. Bounded by
 * `settleTimeoutMs`; false when the bound was hit.
 */
async function settle(
  { options, stack, log, screens }: Run,
  since: string,
  monitor: LagMonitor,
): Promise<boolean> {
  const deadline = Date.now() + options.settleTimeoutMs;
  let lastLength = -1;
  let quietSince = Date.now();
  while (Date.now() < deadline) {
    await sleep(250);
    const length = await log.length();
    if (length !== lastLength) {
      lastLength = length;
      quietSince = Date.now();
      continue;
    }
    if (Date.now() - quietSince < options.quietMs) continue;
    if ((await groundTruth(stack)).orders.some((o) => !FINAL.has(o.state))) continue;
    const status = await monitor.check();
    if (status.groups.some((g) => g.pending > 0 || (g.lag ?? 0) > 0)) continue;
    if (screensBehind(await log.read(since), screens)) continue;
    return true;
  }
  return false;
}

/** `GET /_sim/orders` limited to the run's accounts. */
async function groundTruth(stack: Stack): Promise<SimTruth> {
  const truth = SimTruthSchema.parse(await stack.sim.admin('/_sim/orders'));
  const mine = new Set<string>(ACCOUNTS.map((a) => a.accountId));
  return {
    orders: truth.orders.filter((o) => mine.has(o.userId)),
    positions: Object.fromEntries(Object.entries(truth.positions).filter(([user]) => mine.has(user))),
  };
}

async function writeLogs(dir: string, stack: Stack, log: (line: string) => void): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const service of stack.services)
    await writeFile(join(dir, `${service.app}-${service.replica}.log`), service.output);
  log(`service logs: ${dir}`);
}

function rotate<T>(items: readonly T[], by: number): T[] {
  const n = items.length === 0 ? 0 : by % items.length;
  return [...items.slice(n), ...items.slice(0, n)];
}
