import type { CanonicalOrder, EventEnvelope, OrderStatus } from '@fillwire/events';
import type { OrderRecord, PositionRecord } from '@fillwire/portfolio-state';
import { z } from 'zod';

/** The simulator's ground truth (`GET /_sim/orders`), the fields the checks read. */
export const SimTruthSchema = z.object({
  orders: z.array(
    z.object({
      orderId: z.string(),
      broker: z.enum(['kite', 'xts']),
      userId: z.string(),
      state: z.string(),
      side: z.enum(['BUY', 'SELL']),
      product: z.string(),
      quantity: z.number(),
      filledQuantity: z.number(),
      averagePrice: z.number(),
      tag: z.string().nullable(),
      instrument: z.object({ exchange: z.string(), tradingsymbol: z.string() }),
      history: z.array(z.object({ state: z.string(), filledQuantity: z.number(), at: z.string() })),
      trades: z.array(z.object({ tradeId: z.string(), quantity: z.number(), price: z.number() })),
    }),
  ),
  positions: z.record(
    z.string(),
    z.array(
      z.object({
        instrument: z.object({ exchange: z.string(), tradingsymbol: z.string() }),
        product: z.string(),
        buyQuantity: z.number(),
        sellQuantity: z.number(),
        buyValue: z.number(),
        sellValue: z.number(),
        netQuantity: z.number(),
        realised: z.number(),
      }),
    ),
  ),
});
export type SimTruth = z.infer<typeof SimTruthSchema>;
export type SimOrderTruth = SimTruth['orders'][number];

export interface LogEntry {
  entryId: string;
  envelope: EventEnvelope;
}

export interface Mismatch {
  what: string;
  field: string;
  expected: string | number | null;
  actual: string | number | null;
}

/** A transition of a simulator order that the event log does not show. */
export interface Gap {
  orderId: string;
  missing: string;
  /** When the simulator made that transition (ISO), to line it up with the faults. */
  at?: string;
}

const TERMINAL: Record<string, OrderStatus> = {
  complete: 'FILLED',
  cancelled: 'CANCELLED',
  rejected: 'REJECTED',
};

/** The canonical status of a simulator state (a partial fill is `open` with a filled quantity). */
export function canonicalStatus(state: string, filledQuantity: number): OrderStatus {
  if (TERMINAL[state]) return TERMINAL[state];
  if (filledQuantity > 0) return 'PARTIALLY_FILLED';
  if (state === 'trigger-pending') return 'TRIGGER_PENDING';
  return state === 'open' ? 'OPEN' : 'PENDING';
}

// The Kite simulator reports average prices rounded to the paisa, so a value computed from them
// (average × quantity) may be off by half a paisa per share.
const HALF_PAISA = 0.005;

/**
 * Every order's status, filled quantity and average price in portfolio-manager's state against the
 * simulator, plus orders one side has and the other has not.
 */
export function compareOrders(truth: readonly SimOrderTruth[], state: readonly OrderRecord[]): Mismatch[] {
  const out: Mismatch[] = [];
  const byId = new Map(state.map((r) => [r.order.brokerOrderId, r.order]));
  for (const sim of truth) {
    const what = `order ${sim.orderId} (${sim.userId})`;
    const mine = byId.get(sim.orderId);
    byId.delete(sim.orderId);
    if (!mine) {
      out.push({ what, field: 'presence', expected: 'present', actual: null });
      continue;
    }
    const status = canonicalStatus(sim.state, sim.filledQuantity);
    if (mine.status !== status) out.push({ what, field: 'status', expected: status, actual: mine.status });
    if (mine.filledQuantity !== sim.filledQuantity)
      out.push({ what, field: 'filledQuantity', expected: sim.filledQuantity, actual: mine.filledQuantity });
    if (Math.abs(mine.averagePrice - sim.averagePrice) > 0.0051)
      out.push({ what, field: 'averagePrice', expected: sim.averagePrice, actual: mine.averagePrice });
  }
  for (const extra of byId.values())
    out.push({
      what: `order ${extra.brokerOrderId} (${extra.accountId})`,
      field: 'presence',
      expected: null,
      actual: 'present',
    });
  return out;
}

const positionKey = (accountId: string, exchange: string, symbol: string, product: string): string =>
  `${accountId}|${exchange}|${symbol}|${product}`;

/**
 * Every position (account, instrument, product): net, bought and sold quantities exactly; bought and
 * sold values and realised P&L within the paisa rounding of the reported average prices.
 */
export function comparePositions(truth: SimTruth, state: readonly PositionRecord[]): Mismatch[] {
  const out: Mismatch[] = [];
  const tolerance = new Map<string, number>();
  for (const o of truth.orders) {
    const key = positionKey(o.userId, o.instrument.exchange, o.instrument.tradingsymbol, o.product);
    tolerance.set(key, (tolerance.get(key) ?? 0.01) + HALF_PAISA * o.filledQuantity);
  }
  const mine = new Map(state.map((p) => [positionKey(p.accountId, p.exchange, p.symbol, p.product), p]));
  for (const [accountId, positions] of Object.entries(truth.positions)) {
    for (const sim of positions) {
      const key = positionKey(accountId, sim.instrument.exchange, sim.instrument.tradingsymbol, sim.product);
      const p = mine.get(key);
      mine.delete(key);
      const what = `position ${key}`;
      if (!p) {
        if (sim.buyQuantity + sim.sellQuantity > 0)
          out.push({ what, field: 'presence', expected: 'present', actual: null });
        continue;
      }
      const exact: Array<[string, number, number]> = [
        ['netQuantity', sim.netQuantity, p.netQuantity],
        ['buyQuantity', sim.buyQuantity, p.dayBuyQuantity],
        ['sellQuantity', sim.sellQuantity, p.daySellQuantity],
      ];
      for (const [field, expected, actual] of exact)
        if (expected !== actual) out.push({ what, field, expected, actual });
      const tol = tolerance.get(key) ?? 0.01;
      const approx: Array<[string, number, number, number]> = [
        ['buyValue', sim.buyValue, p.dayBuyValue, tol],
        ['sellValue', sim.sellValue, p.daySellValue, tol],
        ['realisedPnl', sim.realised, p.realizedPnl, 2 * tol],
      ];
      for (const [field, expected, actual, limit] of approx)
        if (Math.abs(expected - actual) > limit) out.push({ what, field, expected, actual });
    }
  }
  for (const [key, p] of mine)
    if (p.dayBuyQuantity + p.daySellQuantity > 0)
      out.push({ what: `position ${key}`, field: 'presence', expected: null, actual: 'present' });
  return out;
}

/** The broker order state an event carries, for the events that report one. */
function orderState(envelope: EventEnvelope): CanonicalOrder | null {
  switch (envelope.type) {
    case 'order.updated':
    case 'order.reconciled':
      return (envelope.data as { order: CanonicalOrder }).order;
    case 'order.rejected':
      return (envelope.data as { order: CanonicalOrder | null }).order;
    default:
      return null;
  }
}

/**
 * "The event log has no gap": for every simulator order, each transition a trader must see is in
 * `<prefix>:events`:
 * - placement: an `order.placed` for every order the load placed through order-api;
 * - every fill: XTS pushes executions, so each simulator trade needs its `trade.executed` (same
 *   trade id); Kite pushes no executions, so each cumulative filled quantity the order passed
 *   through needs an order state (`order.updated`/`order.reconciled`) with that filled quantity;
 * - the end: an order state with the final status and filled quantity.
 * States in between without a fill (validation, open) are not pushed by the brokers and not required.
 */
export function findGaps(
  truth: readonly SimOrderTruth[],
  log: readonly LogEntry[],
  placedOrderIds: ReadonlySet<string>,
): Gap[] {
  const states = new Map<string, Set<string>>();
  const trades = new Set<string>();
  const placed = new Set<string>();
  for (const { envelope } of log) {
    const order = orderState(envelope);
    if (order) {
      const seen = states.get(order.brokerOrderId) ?? new Set<string>();
      seen.add(`${order.status}/${order.filledQuantity}`);
      seen.add(`*/${order.filledQuantity}`);
      states.set(order.brokerOrderId, seen);
    }
    if (envelope.type === 'trade.executed') {
      const data = envelope.data as { brokerOrderId: string; tradeId: string };
      trades.add(`${data.brokerOrderId}/${data.tradeId}`);
    }
    if (envelope.type === 'order.placed')
      placed.add((envelope.data as { order: CanonicalOrder }).order.brokerOrderId);
  }
  const gaps: Gap[] = [];
  for (const sim of truth) {
    const seen = states.get(sim.orderId) ?? new Set<string>();
    if (placedOrderIds.has(sim.orderId) && !placed.has(sim.orderId))
      gaps.push({ orderId: sim.orderId, missing: 'order.placed' });
    const when = (filled: number): string | undefined =>
      sim.history.find((h) => h.filledQuantity === filled)?.at;
    if (sim.broker === 'xts') {
      sim.trades.forEach((t, i) => {
        if (!trades.has(`${sim.orderId}/${t.tradeId}`))
          gaps.push({
            orderId: sim.orderId,
            missing: `trade.executed ${t.tradeId}`,
            at: when(cumulative(sim, i)),
          });
      });
    } else {
      const steps = new Set(sim.history.map((h) => h.filledQuantity).filter((q) => q > 0));
      for (const filled of steps)
        if (!seen.has(`*/${filled}`))
          gaps.push({ orderId: sim.orderId, missing: `state with filled ${filled}`, at: when(filled) });
    }
    const final = `${canonicalStatus(sim.state, sim.filledQuantity)}/${sim.filledQuantity}`;
    if (TERMINAL[sim.state] && !seen.has(final))
      gaps.push({ orderId: sim.orderId, missing: `final state ${final}`, at: sim.history.at(-1)?.at });
  }
  return gaps;
}

/** Filled quantity after the order's first `index + 1` trades. */
function cumulative(sim: SimOrderTruth, index: number): number {
  return sim.trades.slice(0, index + 1).reduce((n, t) => n + t.quantity, 0);
}

/** Envelope ids that appear in more than one log entry (the bus promises one entry per id). */
export function duplicateLogIds(log: readonly LogEntry[]): string[] {
  const seen = new Set<string>();
  const twice: string[] = [];
  for (const { envelope } of log) {
    if (seen.has(envelope.id)) twice.push(envelope.id);
    seen.add(envelope.id);
  }
  return twice;
}

/** Simulator orders sharing one client tag: one idempotency key placed twice. */
export function duplicatePlacements(truth: readonly SimOrderTruth[]): string[] {
  const byTag = new Map<string, number>();
  for (const o of truth) if (o.tag) byTag.set(o.tag, (byTag.get(o.tag) ?? 0) + 1);
  return [...byTag].filter(([, n]) => n > 1).map(([tag]) => tag);
}

/** Event types the watchers' channels (orders, trades, positions) carry; see docs/websocket.md. */
const PUSHED = new Set([
  'order.placed',
  'order.updated',
  'order.rejected',
  'order.reconciled',
  'trade.executed',
  'position.updated',
  'account.updated',
]);

/**
 * The log entries a user's screen must get: pushed types of the user's own accounts (or, for
 * events without an account, of the user).
 */
export function expectedFrames(
  log: readonly LogEntry[],
  user: { userId: string; accounts: readonly string[] },
): string[] {
  return log
    .filter(({ envelope }) => {
      if (!PUSHED.has(envelope.type)) return false;
      if (envelope.accountId !== undefined) return user.accounts.includes(envelope.accountId);
      return envelope.userId === user.userId;
    })
    .map((e) => e.entryId);
}
