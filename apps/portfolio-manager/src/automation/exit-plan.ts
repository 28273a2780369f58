import { createHash } from 'node:crypto';
import { isTerminalStatus, type CanonicalOrder, type Protection } from '@fillwire/events';
import type { OrderRef } from '@fillwire/portfolio-state';

export type LegKind = 'stop' | 'target';

/** An exit order of an entry: its broker tag (derived from the entry) and its id once acknowledged. */
export interface ExitLeg {
  tag: string;
  brokerOrderId: string | null;
  /** The stop trigger / target price at the broker. */
  price: number;
  /**
   * The quantity last asked of the broker: the leg's own state lags our modify, so decisions
   * compare against what we asked for, never re-sending the same change.
   */
  quantity: number;
}

/** Automation state of one entry order, stored in Redis (one document per entry). */
export interface OcoState {
  stop: ExitLeg | null;
  target: ExitLeg | null;
  /** Trailing stop: best price seen since the entry filled, and when the stop was last moved. */
  trail: { best: number; modifiedAt: number } | null;
  closed: boolean;
}

export const EMPTY_OCO: OcoState = { stop: null, target: null, trail: null, closed: false };

export type ExitAction =
  | { kind: 'place'; leg: LegKind; tag: string; quantity: number; price: number }
  | { kind: 'modify'; leg: LegKind; brokerOrderId: string; quantity?: number; price?: number }
  | { kind: 'cancel'; leg: LegKind; brokerOrderId: string }
  | { kind: 'notify'; leg: LegKind; order: CanonicalOrder }
  | { kind: 'close' };

/** Broker tag of an exit: ≤ 20 alphanumerics, the same on every replica and retry. */
export function exitTag(leg: LegKind, entry: OrderRef): string {
  const hash = createHash('sha256').update(
    `${entry.broker}|${entry.accountId}|${entry.brokerOrderId}|${leg}`,
  );
  return `${leg === 'stop' ? 'sl' : 'tg'}${hash.digest('hex').slice(0, 16)}`;
}

const TICK = 0.05;
/** Rounds to the exchange tick (0.05 fits every NSE/BSE equity and option tick of the simulator). */
export const toTick = (price: number): number => Math.round(Math.round(price / TICK) * TICK * 100) / 100;

/** The stop trigger an entry starts with: the stop-loss, else the trailing distance from its fill price. */
export function initialStop(entry: CanonicalOrder, protection: Protection): number | null {
  if (protection.stopLoss !== undefined) return protection.stopLoss;
  if (protection.trailing === undefined || entry.averagePrice <= 0) return null;
  const dir = entry.side === 'BUY' ? -1 : 1;
  return toTick(entry.averagePrice + dir * protection.trailing);
}

/**
 * What to do for an entry's exits now, from the merged states alone (so any replica, at any time,
 * after any delivery order, decides the same): place each requested leg sized to the entry's
 * open quantity, resize working legs when more of the entry fills, and when one leg fills, cancel
 * the other (OCO) and close.
 */
export function planExits(input: {
  entry: CanonicalOrder;
  protection: Protection;
  state: OcoState;
  stop: CanonicalOrder | null;
  target: CanonicalOrder | null;
}): ExitAction[] {
  const { entry, protection, state } = input;
  if (state.closed) return [];
  const legs = { stop: input.stop, target: input.target };
  const exited = (legs.stop?.filledQuantity ?? 0) + (legs.target?.filledQuantity ?? 0);
  const open = Math.max(0, entry.filledQuantity - exited);
  const working = (leg: LegKind) => {
    const o = legs[leg];
    const id = state[leg]?.brokerOrderId;
    return id && (!o || !isTerminalStatus(o.status)) ? id : null;
  };
  const actions: ExitAction[] = [];

  const done = (['stop', 'target'] as const).find((leg) => legs[leg]?.status === 'FILLED');
  if (done || (exited > 0 && open === 0)) {
    const leg = done ?? (legs.stop?.filledQuantity ? 'stop' : 'target');
    const other = leg === 'stop' ? 'target' : 'stop';
    const otherId = working(other);
    if (otherId) actions.push({ kind: 'cancel', leg: other, brokerOrderId: otherId });
    const order = legs[leg];
    if (order) actions.push({ kind: 'notify', leg, order });
    actions.push({ kind: 'close' });
    return actions;
  }
  if (entry.filledQuantity === 0) return isTerminalStatus(entry.status) ? [{ kind: 'close' }] : [];

  const wanted: Array<[LegKind, number | null]> = [
    ['stop', state.stop?.price ?? initialStop(entry, protection)],
    ['target', protection.target ?? null],
  ];
  for (const [leg, price] of wanted) {
    if (price === null) continue;
    const current = state[leg];
    const order = legs[leg];
    if (!current || (current.brokerOrderId === null && open > 0)) {
      if (open > 0) actions.push({ kind: 'place', leg, tag: exitTag(leg, entry), quantity: open, price });
      continue;
    }
    // A leg the broker (or the user) ended without a fill is not placed again.
    if (!order || isTerminalStatus(order.status) || current.brokerOrderId === null) continue;
    const quantity = order.filledQuantity + open;
    if (quantity !== current.quantity)
      actions.push({ kind: 'modify', leg, brokerOrderId: current.brokerOrderId, quantity });
  }
  return actions;
}

/**
 * The trailing stop's next trigger for a new last price, or null when it should not move: it only
 * follows the price in the position's favour, by at least one tick.
 */
export function nextTrailingStop(input: {
  side: CanonicalOrder['side'];
  trailing: number;
  best: number;
  lastPrice: number;
  trigger: number;
}): { best: number; trigger: number | null } {
  const long = input.side === 'BUY';
  const best = long ? Math.max(input.best, input.lastPrice) : Math.min(input.best, input.lastPrice);
  const candidate = toTick(long ? best - input.trailing : best + input.trailing);
  const moved = long ? candidate - input.trigger : input.trigger - candidate;
  return { best, trigger: moved >= TICK - 1e-9 ? candidate : null };
}
