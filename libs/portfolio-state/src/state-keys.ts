import type { OrderRef, PositionRef } from './portfolio-state.types';

/**
 * Redis keys of the portfolio state, all under `<prefix>:pm:`. Order keys hold one order's merged
 * state, timeline, executions, cumulative levels and seen event ids; position keys the orders that
 * feed a position and its totals; account keys index both.
 */
export function stateKeys(prefix: string) {
  const root = `${prefix}:pm`;
  const order = (r: OrderRef) => `${root}:o:${r.broker}:${r.accountId}:${r.brokerOrderId}`;
  const position = (p: PositionRef) =>
    `${root}:p:${p.broker}:${p.accountId}:${p.exchange}:${p.symbol}:${p.product}`;
  const account = (broker: string, accountId: string) => `${root}:a:${broker}:${accountId}`;
  return {
    root,
    /** Order key base: the Lua read script appends these suffixes itself. */
    orderBase: (broker: string, accountId: string) => `${root}:o:${broker}:${accountId}:`,
    orderHash: (r: OrderRef) => `${order(r)}:h`,
    timeline: (r: OrderRef) => `${order(r)}:tl`,
    trades: (r: OrderRef) => `${order(r)}:tr`,
    points: (r: OrderRef) => `${order(r)}:cp`,
    seen: (r: OrderRef) => `${order(r)}:ev`,
    positionOrders: (p: PositionRef) => `${position(p)}:orders`,
    /** Bought/sold quantity and value and a version: see state-scripts.ts. */
    positionTotals: (p: PositionRef) => `${position(p)}:t`,
    accountOrders: (broker: string, accountId: string) => `${account(broker, accountId)}:orders`,
    accountPositions: (broker: string, accountId: string) => `${account(broker, accountId)}:positions`,
    accounts: `${root}:accounts`,
    lastPrice: (exchange: string, symbol: string) => `${root}:ltp:${exchange}:${symbol}`,
    /** SET NX markers for things that must happen once (alerts, exits, square-off). */
    once: (what: string) => `${root}:once:${what}`,
    lock: (what: string) => `${root}:lock:${what}`,
    /** Small per-purpose JSON documents (drift counters, automation state). */
    doc: (what: string) => `${root}:doc:${what}`,
  };
}
export type StateKeys = ReturnType<typeof stateKeys>;

/** `exchange|symbol|product`: a position's member in its account's index. */
export function positionMember(p: Pick<PositionRef, 'exchange' | 'symbol' | 'product'>): string {
  return `${p.exchange}|${p.symbol}|${p.product}`;
}

export function parsePositionMember(
  broker: PositionRef['broker'],
  accountId: string,
  member: string,
): PositionRef {
  const [exchange, symbol, product] = member.split('|');
  return { broker, accountId, exchange, symbol, product } as PositionRef;
}

export function accountMember(broker: string, accountId: string): string {
  return `${broker}|${accountId}`;
}
