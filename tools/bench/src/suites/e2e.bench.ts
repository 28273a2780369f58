import { fork, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { busKeys } from '@fillwire/event-bus';
import { IdentityRepository, IdentityService } from '@fillwire/identity';
import {
  startRedisServer,
  startStack,
  type RedisServerHandle,
  type Stack,
  type StackAccount,
  tsExecArgv,
} from '@fillwire/testing';
import Redis from 'ioredis';
import { z } from 'zod';
import { defineSuite, type BenchContext } from '../bench.types';
import { requestChild } from '../child-ipc';
import { positionKey, type Collected, type FromClients, type ToClients } from '../e2e-clients';
import {
  hop,
  lastReceipt,
  latencies,
  orderReceipts,
  positionReceipts,
  screenReceipts,
  type SentUpdates,
} from '../e2e-latency';
import {
  climb,
  load1m,
  processCpuMs,
  stopChild,
  sustained,
  SUSTAIN_P99_MS,
  wallNow,
  warnIfBusy,
  type StepResult,
} from '../ingest-harness';
import type { Summary } from '../stats';
import { formatMarkdownTable, type TableRow } from '../table';

/*
 * End to end: the broker simulator sends fills (POST /_sim/load: Kite postback + ticker copy, XTS
 * order + trade events) for 100 accounts of 50 users → zerodha-postback / jainam-gateway → event
 * log → portfolio-manager (position.updated) and notifier → one WebSocket per account in a separate
 * process. Latency = frame received there − update sent by the simulator (both epoch ms with sub-ms
 * fraction, one host): order_update (gateway → bus → notifier) and position_update (… →
 * portfolio-manager → bus → notifier) per fill; "lost" = a fill whose frames never came. The five
 * services, the simulator, Redis (AOF everysec) and the clients are each their own process; CPU
 * per process from /proc says where the time goes. Same run, reference: a client polling
 * GET /v1/orders every 2 s (what the event-driven path replaces), during the 1,000/s step.
 */

const QUANTITY = 1;
/** Every account's fills spread over these (one lot = one share): seven positions per account. */
const INSTRUMENTS = ['SBIN', 'RELIANCE', 'INFY', 'TCS', 'HDFCBANK', 'ITC', 'TATASTEEL'].map(
  (tradingsymbol) => ({
    exchange: 'NSE' as const,
    tradingsymbol,
  }),
);
const POLL_INTERVAL_MS = 2000;
const TARGET = { rate: 1000, p50Ms: 2, p99Ms: 5, sustained: 3000, burstFactor: 4, clearMs: 5000 };

interface Plan {
  users: number;
  stepMs: number;
  rates: number[];
  ladder: number[];
  burst: { base: number; beforeMs: number; burstMs: number; afterMs: number };
  warmUp: { rate: number; ms: number };
  /** A fixed or ramp step lasts stepMs, or shorter where that would be more updates than this. */
  maxStepUpdates: number;
  /** The fixed step during which a client also polls GET /v1/orders every 2 s. */
  pollAt: number;
  pollAccounts: number;
  /** How long to wait after a load for every fill to reach its screen; later ones count as lost. */
  drainMs: number;
}

const FULL: Plan = {
  users: 50,
  stepMs: 10_000,
  rates: [100, 1000, 5000],
  // Fine below the target rates (to find the capacity where it is), coarse above.
  ladder: [250, 500, 750, 1500, 2000, 3000, 4000, 6000, 8000],
  burst: { base: TARGET.rate, beforeMs: 3000, burstMs: 10_000, afterMs: 7000 },
  warmUp: { rate: 500, ms: 5000 },
  maxStepUpdates: 25_000,
  pollAt: TARGET.rate,
  pollAccounts: 2,
  // A backlog of 50,000 burst fills at a few hundred a second takes minutes: wait, do not call it lost.
  drainMs: 600_000,
};

/** A smoke test for CI: a handful of accounts, short steps, every kind of step once. */
const QUICK: Plan = {
  users: 10,
  stepMs: 2000,
  rates: [50, 200],
  ladder: [400],
  burst: { base: 100, beforeMs: 1000, burstMs: 2000, afterMs: 1000 },
  warmUp: { rate: 100, ms: 1000 },
  maxStepUpdates: 25_000,
  pollAt: 200,
  pollAccounts: 2,
  drainMs: 45_000,
};

interface Account {
  accountId: string;
  broker: 'kite' | 'xts';
  userId: string;
  apiKey: string;
}

const SimLoadAnswerSchema = z.object({
  data: z.object({
    sent: z.number().int(),
    failed: z.number().int(),
    achievedRate: z.number(),
    maxLagMs: z.number(),
    phaseStartedAt: z.array(z.number()),
    updates: z.object({
      orderId: z.array(z.string()),
      account: z.array(z.number().int()),
      instrument: z.array(z.number().int()),
      quantity: z.array(z.number()),
      at: z.array(z.number()),
    }),
    channels: z.record(z.string(), z.object({ sent: z.number(), failed: z.number() })),
  }),
});
type SimLoad = z.infer<typeof SimLoadAnswerSchema>['data'];

interface Phase {
  rate: number;
  durationMs: number;
}

type Latency = Summary & { missing: number };

interface CpuUse {
  ms: number;
  /** Share of one core over the step. */
  pctCore: number;
  usPerUpdate: number;
}

interface StepOutcome {
  kind: 'warm-up' | 'step' | 'ramp' | 'burst';
  run: number;
  rate: number;
  sent: number;
  /** Updates the simulator could not hand to any channel. */
  failed: number;
  achievedRate: number;
  maxLagMs: number;
  order: Latency;
  position: Latency;
  /** The later of the two frames per fill: the fill fully on the screen. */
  screen: Latency;
  duplicates: number;
  /** Positions whose screen showed more bought than was filled. */
  overcounted: string[];
  /** Fills per position (account and symbol) before this step: what a position refresh reads grows with it. */
  ordersPerPosition: number;
  /** From the end of the load until the last fill was on its screen (NaN: not all came). */
  drainedMs: number;
  channels: SimLoad['channels'];
  /**
   * Where the latency goes, per fill (ms; log times are stream entry ids, 1 ms resolution): ingest =
   * sent → order.updated on the log; order push = log → order_update frame; portfolio = order.updated
   * → position.updated on the log; position push = log → position_update frame.
   */
  hops: Record<string, { p50: number; p99: number }>;
  cpu: Record<string, CpuUse>;
  /** Redis commands by CPU over the step, per update. */
  redis: Array<{ command: string; callsPerUpdate: number; usPerUpdate: number }>;
  load1m: number;
  /** Services that were not running at the end of the step (with the tail of their output). */
  exited: Array<{ service: string; exit: string; output: string }>;
  poll?: Latency & { accounts: string[]; errors: number; lastError: string | null };
  burst?: {
    rate: number;
    durationMs: number;
    lost: number;
    clearMs: number;
    burstP99: number;
    afterP99: number;
  };
}

/** The WebSocket clients process (e2e-clients.ts), driven over IPC. */
class Clients {
  private constructor(readonly child: ChildProcess) {}

  static start(): Clients {
    return new Clients(
      fork(join(__dirname, '..', 'e2e-clients.ts'), [], {
        execArgv: tsExecArgv(),
        env: process.env,
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      }),
    );
  }

  request<T extends FromClients['type']>(
    message: ToClients,
    reply: T,
    timeoutMs = 60_000,
  ): Promise<Extract<FromClients, { type: T }>> {
    return requestChild<FromClients, T>(this.child, message, reply, timeoutMs);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.send({ type: 'stop' } satisfies ToClients);
    const timer = setTimeout(() => void stopChild(this.child), 5000);
    await exited;
    clearTimeout(timer);
  }
}

/** A screen that polls GET /v1/orders every 2 s per account and notes when each order first shows. */
class OrdersPoller {
  readonly seen = new Map<string, number>();
  private stopped = false;
  private loops: Promise<void>[] = [];
  errors = 0;
  lastError: string | null = null;

  constructor(
    private readonly orderApiUrl: string,
    private readonly accounts: readonly Account[],
  ) {}

  start(): void {
    const start = performance.now();
    // Staggered, so the polls of all accounts spread over the interval as many screens' would.
    this.loops = this.accounts.map((account, i) =>
      this.loop(account, start + (i * POLL_INTERVAL_MS) / this.accounts.length),
    );
  }

  private async loop(account: Account, first: number): Promise<void> {
    for (let n = 0; !this.stopped; n++) {
      const wait = first + n * POLL_INTERVAL_MS - performance.now();
      if (wait > 0) await sleep(wait);
      if (this.stopped) return;
      try {
        const res = await fetch(`${this.orderApiUrl}/v1/orders?accountId=${account.accountId}`, {
          headers: { authorization: `Bearer ${account.apiKey}` },
        });
        const text = await res.text();
        const at = wallNow();
        if (!res.ok) throw new Error(`HTTP ${res.status} ${text.slice(0, 200)}`);
        // Ids only: no need to parse a body of thousands of orders to find the new ones.
        for (const match of text.matchAll(/"orderId":"([^"]+)"/g))
          if (!this.seen.has(match[1])) this.seen.set(match[1], at);
      } catch (error) {
        this.errors++;
        this.lastError = error instanceof Error ? error.message : String(error);
      }
    }
  }

  /** Resolves once every id has been seen, or after `timeoutMs`. */
  async until(ids: readonly string[], timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && ids.some((id) => !this.seen.has(id))) await sleep(100);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.loops);
  }
}

async function simLoad(stack: Stack, accounts: readonly Account[], phases: Phase[]): Promise<SimLoad> {
  const res = await fetch(`${stack.sim.adminUrl}/load`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      phases,
      accounts: accounts.map((a) => ({ broker: a.broker, userId: a.accountId })),
      instruments: INSTRUMENTS,
      quantity: QUANTITY,
    }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST /_sim/load: HTTP ${res.status} ${text.slice(0, 500)}`);
  return SimLoadAnswerSchema.parse(JSON.parse(text)).data;
}

const phaseCount = (p: Phase): number => Math.floor((p.rate * p.durationMs) / 1000);

/** Everything one suite run holds: the stack, the screens and what each position has filled so far. */
interface Rig {
  ctx: BenchContext;
  plan: Plan;
  stack: Stack;
  redis: RedisServerHandle;
  /** For INFO commandstats. */
  redisConn: Redis;
  clients: Clients;
  accounts: Account[];
  /** `<account>|<symbol>` of account a and instrument k at a × INSTRUMENTS.length + k. */
  positionKeys: string[];
  /** Day buy quantity each position's screen should show after everything sent so far. */
  filled: number[];
  processes: () => Array<{ name: string; pid: number | undefined }>;
}

function cpuSample(rig: Rig): Map<string, number> {
  const out = new Map<string, number>();
  for (const { name, pid } of rig.processes()) {
    const ms = processCpuMs(pid);
    if (ms !== undefined) out.set(name, ms);
  }
  const own = process.cpuUsage();
  out.set('bench', (own.user + own.system) / 1000);
  return out;
}

/** Calls and CPU µs per Redis command so far (INFO commandstats). */
async function commandStats(redis: Redis): Promise<Map<string, { calls: number; usec: number }>> {
  const info = await redis.info('commandstats');
  const out = new Map<string, { calls: number; usec: number }>();
  for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm))
    out.set(m[1], { calls: Number(m[2]), usec: Number(m[3]) });
  return out;
}

function commandDelta(
  before: Map<string, { calls: number; usec: number }>,
  after: Map<string, { calls: number; usec: number }>,
  updates: number,
): StepOutcome['redis'] {
  return [...after]
    .map(([command, a]) => {
      const b = before.get(command) ?? { calls: 0, usec: 0 };
      return {
        command,
        callsPerUpdate: (a.calls - b.calls) / Math.max(1, updates),
        usPerUpdate: (a.usec - b.usec) / Math.max(1, updates),
      };
    })
    .filter((c) => c.usPerUpdate > 0)
    .sort((x, y) => y.usPerUpdate - x.usPerUpdate)
    .slice(0, 8);
}

function withMissing(ctx: BenchContext, values: number[], missing: number): Latency {
  return { ...ctx.summarize(values), missing };
}

/** Waits until the screens show every fill (or the drain ends); returns what they show and when that was. */
async function drain(
  rig: Rig,
  sent: number,
  target: readonly number[],
): Promise<{ shown: Record<string, number>; doneAt: number }> {
  const deadline = Date.now() + rig.plan.drainMs;
  for (;;) {
    const p = await rig.clients.request({ type: 'progress' }, 'progress');
    const done = p.orders >= sent && rig.positionKeys.every((key, i) => (p.positions[key] ?? 0) >= target[i]);
    if (done || Date.now() >= deadline) return { shown: p.positions, doneAt: done ? wallNow() : Number.NaN };
    await sleep(50);
  }
}

function hopSummary(ctx: BenchContext, values: number[]): { p50: number; p99: number } {
  return { p50: ctx.percentile(values, 50), p99: ctx.percentile(values, 99) };
}

const PREFIX = 'bench-e2e';
const SETTLE_MS = 300_000;

/**
 * Waits until every consumer group has read and acked the whole log: screens can be caught up while
 * a group that feeds none of them (sinks, placement checks) still works off the last step, and that
 * backlog's CPU must not count against the next step. Returns how long it took (NaN: timed out).
 */
async function settle(rig: Rig): Promise<number> {
  const started = Date.now();
  const stream = busKeys(PREFIX).events;
  for (;;) {
    const groups = (await rig.redisConn.call('XINFO', 'GROUPS', stream)) as unknown[][];
    const busy = groups.some((g) => {
      const info = new Map<string, unknown>();
      for (let i = 0; i + 1 < g.length; i += 2) info.set(String(g[i]), g[i + 1]);
      return Number(info.get('pending') ?? 0) > 0 || Number(info.get('lag') ?? 0) > 0;
    });
    if (!busy) return Date.now() - started;
    if (Date.now() - started >= SETTLE_MS) return Number.NaN;
    await sleep(200);
  }
}

/** One load through the whole path: send, wait until every screen caught up (or the drain ends), match. */
async function measure(
  rig: Rig,
  kind: StepOutcome['kind'],
  run: number,
  phases: Phase[],
  poll = false,
): Promise<StepOutcome> {
  const { ctx, accounts } = rig;
  if (kind !== 'warm-up') {
    const settledMs = await settle(rig);
    if (Number.isNaN(settledMs))
      ctx.log.warn(`run ${run}: the bus still had a backlog after ${SETTLE_MS} ms; measuring anyway`);
    else if (settledMs > 1000) ctx.log.info(`run ${run}: waited ${settledMs} ms for the bus to settle`);
  }
  ctx.gc();
  const pollAccounts = poll ? pollTargets(accounts, rig.plan.pollAccounts) : [];
  const poller = poll ? new OrdersPoller(rig.stack.url('order-api'), pollAccounts) : undefined;
  poller?.start();
  const cpuBefore = cpuSample(rig);
  const redisBefore = await commandStats(rig.redisConn);
  const startedAt = wallNow();
  const load = await simLoad(rig.stack, accounts, phases).catch(async (error: unknown) => {
    await poller?.stop();
    throw error;
  });
  const loadEnd = wallNow();
  const before = [...rig.filled];
  const target = [...before];
  const positionOf = load.updates.account.map((a, i) => a * INSTRUMENTS.length + load.updates.instrument[i]);
  positionOf.forEach((p, i) => (target[p] += load.updates.quantity[i]));
  const { shown, doneAt } = await drain(rig, load.sent, target);
  const collected: Collected = await rig.clients.request({ type: 'collect' }, 'collected');
  const cpuAfter = cpuSample(rig);
  const redisAfter = await commandStats(rig.redisConn);
  const elapsedMs = wallNow() - startedAt;

  const sent: SentUpdates = load.updates;
  const byOrder = (values: number[]): Float64Array =>
    orderReceipts(sent, new Map(collected.orders.ids.map((id, i) => [id, values[i]])));
  const orderAt = byOrder(collected.orders.at);
  const orderLog = byOrder(collected.orders.log);
  const positions = positionReceipts(sent, positionOf, rig.positionKeys, before, collected.positions);
  const screenAt = screenReceipts(orderAt, positions.at);
  const order = latencies(sent.at, orderAt);
  const position = latencies(sent.at, positions.at);
  const screen = latencies(sent.at, screenAt);
  // After a loss the screens no longer show what was sent: follow what they show from here on.
  rig.filled = screen.missing > 0 ? rig.positionKeys.map((key) => shown[key] ?? 0) : target;

  const cpu: Record<string, CpuUse> = {};
  for (const [name, after] of cpuAfter) {
    const ms = after - (cpuBefore.get(name) ?? after);
    cpu[name] = { ms, pctCore: (ms / elapsedMs) * 100, usPerUpdate: (ms * 1000) / Math.max(1, load.sent) };
  }
  const outcome: StepOutcome = {
    kind,
    run,
    rate: phases.length === 1 ? phases[0].rate : Math.max(...phases.map((p) => p.rate)),
    sent: load.sent,
    failed: load.failed,
    achievedRate: load.achievedRate,
    maxLagMs: load.maxLagMs,
    order: withMissing(ctx, order.values, order.missing),
    position: withMissing(ctx, position.values, position.missing),
    screen: withMissing(ctx, screen.values, screen.missing),
    duplicates: collected.duplicates,
    overcounted: positions.overcounted,
    ordersPerPosition: before.reduce((a, b) => a + b, 0) / QUANTITY / before.length,
    drainedMs: doneAt - loadEnd,
    channels: load.channels,
    hops: {
      ingest: hopSummary(ctx, hop(sent.at, orderLog)),
      'order push': hopSummary(ctx, hop(orderLog, orderAt)),
      portfolio: hopSummary(ctx, hop(orderLog, positions.log)),
      'position push': hopSummary(ctx, hop(positions.log, positions.at)),
    },
    cpu,
    redis: commandDelta(redisBefore, redisAfter, load.sent),
    load1m: load1m(),
    exited: rig.stack.services
      .filter((svc) => !svc.running)
      .map((svc) => ({
        service: `${svc.app}#${svc.replica}`,
        exit: JSON.stringify(svc.process.exit),
        output: svc.process.output.split('\n').slice(-15).join('\n'),
      })),
  };
  for (const gone of outcome.exited) ctx.log.warn(`${gone.service} exited ${gone.exit}:\n${gone.output}`);
  if (poller) {
    const polled = new Set(pollAccounts.map((a) => accounts.indexOf(a)));
    const idx = load.updates.account.flatMap((a, i) => (polled.has(a) ? [i] : []));
    await poller.until(
      idx.map((i) => sent.orderId[i]),
      3 * POLL_INTERVAL_MS + 5000,
    );
    await poller.stop();
    const pollAt = Float64Array.from(idx, (i) => poller.seen.get(sent.orderId[i]) ?? Number.NaN);
    const polledLatency = latencies(
      idx.map((i) => sent.at[i]),
      pollAt,
    );
    outcome.poll = {
      ...withMissing(ctx, polledLatency.values, polledLatency.missing),
      accounts: pollAccounts.map((a) => a.accountId),
      errors: poller.errors,
      lastError: poller.lastError,
    };
  }
  if (kind === 'burst') {
    const [pre, peak, post] = phases;
    const from = phaseCount(pre);
    const to = from + phaseCount(peak);
    const burstEnd = load.phaseStartedAt[2] ?? load.phaseStartedAt[1] + peak.durationMs;
    const during = latencies(sent.at, screenAt, from, to);
    outcome.burst = {
      rate: peak.rate,
      durationMs: peak.durationMs,
      lost: during.missing,
      clearMs: lastReceipt(screenAt, from, to) - burstEnd,
      burstP99: ctx.percentile(during.values, 99),
      afterP99: ctx.percentile(latencies(sent.at, screenAt, to, to + phaseCount(post)).values, 99),
    };
  }
  return outcome;
}

/** Half Kite, half XTS among the accounts a poller follows. */
function pollTargets(accounts: readonly Account[], n: number): Account[] {
  const kite = accounts.filter((a) => a.broker === 'kite');
  const xts = accounts.filter((a) => a.broker === 'xts');
  return [...kite.slice(0, Math.ceil(n / 2)), ...xts.slice(0, Math.floor(n / 2))];
}

const asStep = (o: StepOutcome): StepResult => ({
  contender: o.kind,
  rate: o.rate,
  achievedRate: o.achievedRate,
  sent: o.sent,
  failed: o.failed,
  missing: o.screen.missing,
  p50: o.screen.p50,
  p99: o.screen.p99,
  max: o.screen.max,
  cpuUsPerEvent: Object.values(o.cpu).reduce((sum, c) => sum + c.usPerUpdate, 0),
  load1m: o.load1m,
});

function stepLine(o: StepOutcome): string {
  const lost = o.failed + o.screen.missing;
  return `${o.kind} ${o.rate}/s: sent ${o.sent} (achieved ${Math.round(o.achievedRate)}/s), order p50/p99 ${o.order.p50.toFixed(2)}/${o.order.p99.toFixed(2)} ms, position p50/p99 ${o.position.p50.toFixed(2)}/${o.position.p99.toFixed(2)} ms, lost ${lost}${o.duplicates ? `, duplicate frames ${o.duplicates}` : ''}${o.overcounted.length ? `, overcounted ${o.overcounted.length} positions` : ''}, ${Math.round(o.ordersPerPosition)} orders per position before`;
}

/** Users, keys and account links in Redis before the services boot (they read them from there). */
async function seedAccounts(redisUrl: string, prefix: string, users: number): Promise<Account[]> {
  const conn = new Redis(redisUrl);
  try {
    const identity = new IdentityService(new IdentityRepository(conn, prefix));
    const accounts: Account[] = [];
    for (let u = 0; u < users; u++) {
      const userId = `e2e${String(u).padStart(3, '0')}`;
      await identity.addUser({ id: userId });
      const { apiKey } = await identity.issueKey(userId);
      const kite = `ZK${String(u).padStart(4, '0')}`;
      const xts = `JX${String(u).padStart(4, '0')}`;
      await identity.linkAccount(userId, 'zerodha', kite);
      await identity.linkAccount(userId, 'jainam', xts);
      accounts.push(
        { accountId: kite, broker: 'kite', userId, apiKey },
        { accountId: xts, broker: 'xts', userId, apiKey },
      );
    }
    return accounts;
  } finally {
    conn.disconnect();
  }
}

async function rigUp(ctx: BenchContext, plan: Plan): Promise<Rig> {
  const redis = await startRedisServer({ aof: true, fsync: 'everysec' });
  let stack: Stack | undefined;
  let clients: Clients | undefined;
  try {
    const prefix = PREFIX;
    const accounts = await seedAccounts(redis.url, prefix, plan.users);
    const stackAccount = (a: Account): StackAccount =>
      a.broker === 'kite'
        ? { accountId: a.accountId, userId: a.userId }
        : {
            accountId: a.accountId,
            userId: a.userId,
            appKey: `xts-${a.accountId}`,
            secretKey: `secret-${a.accountId}`,
          };
    stack = await startStack({
      env: {
        REDIS_URL: redis.url,
        FILLWIRE_PREFIX: prefix,
        LOG_LEVEL: 'warn',
        // The load's fills are wire-only (not in the simulator's books): a reconciliation during the
        // run would flag every position as drifted. Its cost is a few REST reads a minute anyway.
        RECONCILE_INTERVAL: '1h',
      },
      simEnv: { SIM_KITE_RATE_LIMIT: '0', SIM_XTS_RATE_LIMIT: '0', LOG_LEVEL: 'warn' },
      kiteAccounts: accounts.filter((a) => a.broker === 'kite').map(stackAccount),
      xtsAccounts: accounts.filter((a) => a.broker === 'xts').map(stackAccount),
      readyTimeoutMs: 180_000,
    });
    clients = Clients.start();
    const opened = await clients.request(
      {
        type: 'open',
        url: stack.notifierWsUrl,
        clients: accounts.map((a) => ({ apiKey: a.apiKey, accountId: a.accountId })),
      },
      'opened',
    );
    if (opened.open !== accounts.length)
      throw new Error(
        `WebSocket clients: ${opened.open} of ${accounts.length} subscribed (failed: ${opened.failed.join(', ')})`,
      );
    const started = stack;
    const clientsPid = clients.child.pid;
    return {
      ctx,
      plan,
      stack,
      redis,
      redisConn: new Redis(redis.url),
      clients,
      accounts,
      positionKeys: accounts.flatMap((a) =>
        INSTRUMENTS.map((i) => positionKey(a.accountId, i.tradingsymbol)),
      ),
      filled: accounts.flatMap(() => INSTRUMENTS.map(() => 0)),
      processes: () => [
        { name: 'redis', pid: redis.pid },
        { name: 'broker-sim', pid: started.sim.process.pid },
        ...started.services.map((s) => ({
          name: s.replica === 0 ? s.app : `${s.app}#${s.replica}`,
          pid: s.pid,
        })),
        { name: 'ws-clients', pid: clientsPid },
      ],
    };
  } catch (error) {
    await clients?.stop();
    await stack?.stop().catch(() => undefined);
    await redis.stop();
    throw error;
  }
}

async function rigDown(rig: Rig): Promise<void> {
  await rig.clients.stop();
  await rig.stack.stop().catch((error: unknown) => rig.ctx.log.warn(`stack stop: ${String(error)}`));
  rig.redisConn.disconnect();
  await rig.redis.stop();
}

const ms = (value: number, digits = 2): number => Number(value.toFixed(digits));

/** Median over runs of each figure of the steps at one rate. */
function stepRow(ctx: BenchContext, label: string, steps: StepOutcome[]): TableRow {
  const med = (pick: (o: StepOutcome) => number): number =>
    ctx.median(steps.map(pick).filter((v) => Number.isFinite(v)));
  const cpuTotal = (o: StepOutcome): number =>
    Object.entries(o.cpu).reduce((sum, [name, c]) => (name === 'bench' ? sum : sum + c.pctCore), 0);
  return {
    step: label,
    'rate/s': steps[0]?.rate ?? null,
    'achieved/s': Math.round(med((o) => o.achievedRate)),
    'order p50': ms(med((o) => o.order.p50)),
    'order p95': ms(med((o) => o.order.p95)),
    'order p99': ms(med((o) => o.order.p99)),
    'order max': ms(
      med((o) => o.order.max),
      1,
    ),
    'position p50': ms(med((o) => o.position.p50)),
    'position p95': ms(med((o) => o.position.p95)),
    'position p99': ms(med((o) => o.position.p99)),
    'position max': ms(
      med((o) => o.position.max),
      1,
    ),
    lost: steps.reduce((n, o) => n + o.failed + o.screen.missing, 0),
    'CPU % (all)': Math.round(med(cpuTotal)),
    'load 1m': ms(
      med((o) => o.load1m),
      1,
    ),
  };
}

function cpuRows(ctx: BenchContext, byRate: Map<number, StepOutcome[]>): TableRow[] {
  return [...byRate].map(([rate, steps]) => {
    const names = Object.keys(steps[0]?.cpu ?? {});
    const row: Record<string, string | number> = { 'rate/s': rate };
    for (const name of names)
      row[name] =
        `${Math.round(ctx.median(steps.map((o) => o.cpu[name]?.pctCore ?? Number.NaN)))}% · ${Math.round(ctx.median(steps.map((o) => o.cpu[name]?.usPerUpdate ?? Number.NaN)))} µs`;
    return row;
  });
}

function hopRows(ctx: BenchContext, byRate: Map<number, StepOutcome[]>): TableRow[] {
  return [...byRate].map(([rate, steps]) => {
    const row: Record<string, string | number> = { 'rate/s': rate };
    for (const name of Object.keys(steps[0]?.hops ?? {})) {
      const p50 = ctx.median(steps.map((o) => o.hops[name].p50));
      const p99 = ctx.median(steps.map((o) => o.hops[name].p99));
      row[name] = `${p50.toFixed(1)} / ${p99.toFixed(1)}`;
    }
    return row;
  });
}

function redisRows(ctx: BenchContext, steps: StepOutcome[]): TableRow[] {
  const commands = [...new Set(steps.flatMap((o) => o.redis.map((c) => c.command)))];
  const med = (command: string, pick: (c: StepOutcome['redis'][number]) => number): number =>
    ctx.median(
      steps
        .map((o) => o.redis.find((c) => c.command === command))
        .filter((c) => c !== undefined)
        .map(pick),
    );
  return commands
    .map((command) => ({
      command,
      'calls/update': ms(med(command, (c) => c.callsPerUpdate)),
      'µs/update': ms(
        med(command, (c) => c.usPerUpdate),
        1,
      ),
    }))
    .sort((a, b) => b['µs/update'] - a['µs/update'])
    .slice(0, 8);
}

async function runSuite(ctx: BenchContext): Promise<void> {
  const plan = ctx.quick ? QUICK : FULL;
  const runs = ctx.quick ? 1 : ctx.runs;
  const cores = availableParallelism();
  const loadBefore = warnIfBusy(ctx, cores);
  const steps: StepOutcome[] = [];
  const highest: number[] = [];
  const stepPhase = (rate: number): Phase[] => [
    { rate, durationMs: Math.min(plan.stepMs, Math.ceil((plan.maxStepUpdates / rate) * 1000)) },
  ];
  for (let run = 1; run <= runs; run++) {
    // A fresh system per run (a new trading day): position refreshes grow with the orders of a
    // position, so runs on one accumulating state would not be alike.
    ctx.log.info(
      `run ${run}: booting Redis (AOF everysec), the simulator and five services for ${plan.users * 2} accounts`,
    );
    const rig = await rigUp(ctx, plan);
    try {
      // JIT, connections and Redis memory warm before anything is measured.
      const warm = await measure(rig, 'warm-up', run, [
        { rate: plan.warmUp.rate, durationMs: plan.warmUp.ms },
      ]);
      steps.push(warm);
      ctx.log.info(`run ${run} ${stepLine(warm)}`);
      let best = 0;
      for (const rate of plan.rates) {
        const o = await measure(rig, 'step', run, stepPhase(rate), rate === plan.pollAt);
        ctx.log.info(`run ${run} ${stepLine(o)}`);
        steps.push(o);
        if (sustained(asStep(o))) best = rate;
      }
      const climbed = await climb(plan.ladder, best, async (rate) => {
        const o = await measure(rig, 'ramp', run, stepPhase(rate));
        ctx.log.info(`run ${run} ${stepLine(o)}`);
        steps.push(o);
        return asStep(o);
      });
      highest.push(climbed.highest);
      const { base, beforeMs, burstMs, afterMs } = plan.burst;
      const burst = await measure(rig, 'burst', run, [
        { rate: base, durationMs: beforeMs },
        { rate: base * TARGET.burstFactor, durationMs: burstMs },
        { rate: base, durationMs: afterMs },
      ]);
      steps.push(burst);
      ctx.log.info(
        `run ${run} burst ${burst.burst?.rate}/s for ${burstMs / 1000} s: lost ${burst.burst?.lost}, cleared ${burst.burst?.clearMs.toFixed(0)} ms after it ended, ${Math.round(burst.ordersPerPosition)} orders per position before`,
      );
    } finally {
      await rigDown(rig);
    }
  }
  await report(ctx, plan, runs, steps, highest, loadBefore, cores);
}

async function report(
  ctx: BenchContext,
  plan: Plan,
  runs: number,
  steps: StepOutcome[],
  highest: number[],
  loadBefore: number,
  cores: number,
): Promise<void> {
  const fixed = steps.filter((o) => o.kind === 'step');
  const byRate = new Map(plan.rates.map((rate) => [rate, fixed.filter((o) => o.rate === rate)]));
  const rows: TableRow[] = [...byRate].map(([rate, list]) =>
    stepRow(ctx, `${rate.toLocaleString('en-US')}/s`, list),
  );
  const polled = fixed.filter((o) => o.poll);
  const pollMed = (pick: (p: Latency) => number): number =>
    ctx.median(polled.map((o) => pick(o.poll as Latency)).filter((v) => Number.isFinite(v)));
  if (polled.length > 0)
    rows.push({
      step: `REST poll 2 s (at ${polled[0].rate.toLocaleString('en-US')}/s)`,
      'rate/s': polled[0].rate,
      'order p50': ms(
        pollMed((p) => p.p50),
        0,
      ),
      'order p95': ms(
        pollMed((p) => p.p95),
        0,
      ),
      'order p99': ms(
        pollMed((p) => p.p99),
        0,
      ),
      'order max': ms(
        pollMed((p) => p.max),
        0,
      ),
      lost: polled.reduce((n, o) => n + (o.poll?.missing ?? 0), 0),
    });
  const columns = Object.keys(rows[0]);
  ctx.printTable(rows, columns);
  const cpu = cpuRows(ctx, byRate);
  ctx.log.info('CPU per process (share of one core · per update), median over runs:');
  ctx.printTable(cpu);
  const hops = hopRows(ctx, byRate);
  ctx.log.info('where the latency goes (ms, p50/p99; log times are entry ids, 1 ms resolution):');
  ctx.printTable(hops);
  const redisTop = redisRows(ctx, byRate.get(plan.pollAt) ?? []);
  ctx.log.info(`Redis commands by CPU at ${plan.pollAt}/s (per update):`);
  ctx.printTable(redisTop);

  const bursts = steps.filter((o) => o.kind === 'burst' && o.burst);
  const burstLost = bursts.reduce((n, o) => n + (o.burst?.lost ?? 0) + o.failed, 0);
  const clearMs = ctx.median(bursts.map((o) => o.burst?.clearMs ?? Number.NaN));
  const sustainedRate = ctx.median(highest);
  const lost = steps.reduce((n, o) => n + o.failed + o.screen.missing, 0);
  const atTarget = byRate.get(TARGET.rate) ?? [];
  const medOf = (pick: (o: StepOutcome) => number): number => ctx.median(atTarget.map(pick));
  const targets = {
    orderAtTargetRate: { p50: medOf((o) => o.order.p50), p99: medOf((o) => o.order.p99) },
    positionAtTargetRate: { p50: medOf((o) => o.position.p50), p99: medOf((o) => o.position.p99) },
    sustained: sustainedRate,
    burst: { factor: TARGET.burstFactor, lost: burstLost, clearMs },
  };
  const met = (ok: boolean): string => (ok ? 'met' : 'missed');
  const lines = [
    `highest sustained rate (nothing lost, screen p99 ≤ ${SUSTAIN_P99_MS} ms): ${sustainedRate}/s (median of ${runs}; per run ${highest.join(', ')}) — target ≥ ${TARGET.sustained}/s: ${met(sustainedRate >= TARGET.sustained)}`,
    atTarget.length === 0
      ? `no ${TARGET.rate}/s step in this run (--quick): the latency targets are not evaluated`
      : `at ${TARGET.rate}/s order_update p50 ${targets.orderAtTargetRate.p50.toFixed(2)} ms, p99 ${targets.orderAtTargetRate.p99.toFixed(2)} ms; position_update p50 ${targets.positionAtTargetRate.p50.toFixed(2)} ms, p99 ${targets.positionAtTargetRate.p99.toFixed(2)} ms — target p50 ≤ ${TARGET.p50Ms} ms, p99 ≤ ${TARGET.p99Ms} ms: order ${met(targets.orderAtTargetRate.p50 <= TARGET.p50Ms && targets.orderAtTargetRate.p99 <= TARGET.p99Ms)}, position ${met(targets.positionAtTargetRate.p50 <= TARGET.p50Ms && targets.positionAtTargetRate.p99 <= TARGET.p99Ms)}`,
    `burst ${TARGET.burstFactor}× (${(plan.burst.base * TARGET.burstFactor).toLocaleString('en-US')}/s for ${plan.burst.burstMs / 1000} s on ${plan.burst.base.toLocaleString('en-US')}/s): lost ${burstLost}, cleared ${Math.round(clearMs)} ms after it ended (median) — target cleared within ${TARGET.clearMs} ms, nothing lost: ${met(burstLost === 0 && clearMs <= TARGET.clearMs)}`,
    `lost over the whole run: ${lost}; load ${loadBefore} → ${load1m()} on ${cores} cores`,
  ];
  for (const line of lines) ctx.log.info(line);
  const written = await ctx.writeResult('e2e', {
    runs,
    plan,
    accounts: plan.users * 2,
    quantityPerFill: QUANTITY,
    pollIntervalMs: POLL_INTERVAL_MS,
    sustainP99Ms: SUSTAIN_P99_MS,
    loadAverage1m: { before: loadBefore, after: load1m() },
    delivery: { lost, allDelivered: lost === 0, duplicates: steps.reduce((n, o) => n + o.duplicates, 0) },
    table: rows,
    cpu,
    hops,
    redisAtPollRate: redisTop,
    targets,
    highestSustainedPerRun: highest,
    steps,
  });
  const md = [
    `# e2e benchmark (${new Date().toISOString()}, ${runs} run${runs === 1 ? '' : 's'}${ctx.quick ? ', quick' : ''})`,
    '',
    `Broker event (simulator send) → WebSocket frame in a separate process; ${plan.users * 2} accounts, Redis AOF everysec, ${cores} cores, load ${loadBefore} → ${load1m()}. Latencies in ms, median over runs.`,
    '',
    formatMarkdownTable(rows, columns),
    '',
    'CPU per process (share of one core · CPU per update):',
    '',
    formatMarkdownTable(cpu),
    '',
    'Where the latency goes (ms, p50/p99): ingest = sent → order.updated on the log, order push = log → order_update frame, portfolio = order.updated → position.updated on the log, position push = log → position_update frame (log times from stream entry ids, 1 ms resolution):',
    '',
    formatMarkdownTable(hops),
    '',
    `Redis commands by CPU at ${plan.pollAt.toLocaleString('en-US')}/s, per update:`,
    '',
    formatMarkdownTable(redisTop),
    '',
    ...lines.map((line) => `- ${line}`),
    '',
  ].join('\n');
  await writeFile(join(dirname(written.latest), 'e2e-latest.md'), md);
  ctx.log.info(`written ${written.latest} and e2e-latest.md`);
}

export default defineSuite({
  name: 'e2e',
  description:
    'simulator fills (Kite postback + ticker, XTS socket) for 100 accounts → gateways → bus → portfolio-manager / notifier → WebSocket clients in another process: latency per rate, sustained rate, 4× burst, 2 s REST polling reference, CPU per process',
  run: runSuite,
});
