import type { LogStatus } from '@fillwire/event-bus';
import {
  PortfolioReadRepository,
  type OrderRecord,
  type PositionRecord,
  type TimelineEntry,
} from '@fillwire/portfolio-state';
import type Redis from 'ioredis';
import {
  compareOrders,
  comparePositions,
  duplicateLogIds,
  duplicatePlacements,
  expectedFrames,
  findGaps,
  type Gap,
  type LogEntry,
  type Mismatch,
  type SimTruth,
} from './verify';
import type { WatcherStats, WsWatcher } from './ws-watcher';

/** A screen and whose it is. */
export interface Screen {
  watcher: WsWatcher;
  userId: string;
  accounts: string[];
}

export interface Findings {
  totals: { events: number; lost: number; duplicated: number; mismatches: number };
  sim: { orders: number; byAccount: Record<string, number>; partiallyFilled: number; trades: number };
  events: { log: number; byType: Record<string, number>; wsFrames: number };
  lost: { logGaps: Gap[]; deadLetters: number; unacked: number; ws: Record<string, string[]> };
  /** portfolio-manager's delivery timeline of the first orders with a gap: channel, verdict, time. */
  gapTimelines: Record<string, TimelineEntry[]>;
  duplicated: { logIds: string[]; placements: string[]; ws: Record<string, string[]> };
  mismatches: { orders: Mismatch[]; positions: Mismatch[]; wsForeign: Record<string, string[]> };
  watchers: WatcherStats[];
}

export interface EvaluationInput {
  /** The simulator's ground truth, already limited to the run's accounts. */
  truth: SimTruth;
  /** The whole event log, and the part written during the run. */
  log: LogEntry[];
  runLog: LogEntry[];
  status: LogStatus;
  screens: readonly Screen[];
  /** Broker order ids order-api answered with. */
  placedOrderIds: ReadonlySet<string>;
}

/** Everything the run checks, from the ground truth, the log, portfolio-manager's state and the screens. */
export async function evaluate(redis: Redis, prefix: string, input: EvaluationInput): Promise<Findings> {
  const { truth, log, runLog, status, screens } = input;
  const state = await readState(new PortfolioReadRepository(redis, { prefix }));
  const ws = {
    lost: {} as Record<string, string[]>,
    dup: {} as Record<string, string[]>,
    foreign: {} as Record<string, string[]>,
  };
  for (const screen of screens) {
    const report = screen.watcher.report();
    const expected = expectedFrames(runLog, screen);
    const expectedSet = new Set(expected);
    ws.lost[report.user] = expected.filter((id) => !screen.watcher.seen.has(id));
    ws.dup[report.user] = report.duplicateEventIds;
    ws.foreign[report.user] = [...screen.watcher.seen.keys()].filter((id) => !expectedSet.has(id));
  }
  const logGaps = findGaps(truth.orders, log, input.placedOrderIds);
  const orders = compareOrders(truth.orders, state.orders);
  const positions = comparePositions(truth, state.positions);
  const logIds = duplicateLogIds(log);
  const placements = duplicatePlacements(truth.orders);
  const unacked = status.groups.reduce((n, g) => n + g.pending, 0);
  return {
    totals: {
      events: runLog.length,
      lost: logGaps.length + status.deadLetters + unacked + count(ws.lost),
      duplicated: logIds.length + placements.length + count(ws.dup),
      mismatches: orders.length + positions.length + count(ws.foreign),
    },
    sim: {
      orders: truth.orders.length,
      byAccount: countBy(truth.orders.map((o) => o.userId)),
      partiallyFilled: truth.orders.filter((o) => o.trades.length > 1).length,
      trades: truth.orders.reduce((n, o) => n + o.trades.length, 0),
    },
    events: {
      log: runLog.length,
      byType: countBy(runLog.map((e) => e.envelope.type)),
      wsFrames: screens.reduce((n, s) => n + s.watcher.report().frames, 0),
    },
    lost: { logGaps, deadLetters: status.deadLetters, unacked, ws: ws.lost },
    gapTimelines: await timelinesOf(
      new PortfolioReadRepository(redis, { prefix }),
      state.orders,
      logGaps.map((g) => g.orderId),
    ),
    duplicated: { logIds, placements, ws: ws.dup },
    mismatches: { orders, positions, wsForeign: ws.foreign },
    watchers: screens.map((s) => s.watcher.report()),
  };
}

/** Whether a screen is missing a frame meant for it (the run is not quiet yet). */
export function screensBehind(runLog: readonly LogEntry[], screens: readonly Screen[]): boolean {
  return screens.some((s) => expectedFrames(runLog, s).some((id) => !s.watcher.seen.has(id)));
}

async function readState(
  repo: PortfolioReadRepository,
): Promise<{ orders: OrderRecord[]; positions: PositionRecord[] }> {
  const orders: OrderRecord[] = [];
  const positions: PositionRecord[] = [];
  for (const account of await repo.listAccounts()) {
    orders.push(...(await repo.listOrders(account)));
    positions.push(...(await repo.listPositions(account)));
  }
  return { orders, positions };
}

async function timelinesOf(
  repo: PortfolioReadRepository,
  orders: readonly OrderRecord[],
  orderIds: readonly string[],
): Promise<Record<string, TimelineEntry[]>> {
  const out: Record<string, TimelineEntry[]> = {};
  for (const id of [...new Set(orderIds)].slice(0, 5)) {
    const order = orders.find((o) => o.order.brokerOrderId === id)?.order;
    if (order) out[id] = await repo.getTimeline(order);
  }
  return out;
}

const count = (r: Record<string, readonly unknown[]>): number =>
  Object.values(r).reduce((n, l) => n + l.length, 0);

function countBy(keys: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of keys) out[k] = (out[k] ?? 0) + 1;
  return out;
}
