import type { Broker, CanonicalOrder } from '@fillwire/events';
import type { CumulativePoint, Fill, PositionRef, TradeFact } from './portfolio-state.types';

/**
 * Which source counts an order's fills. XTS sends an execution per fill (trade events); Kite's
 * ticker and postbacks only carry cumulative quantities, and its trade book reaches us only through
 * reconciliation. The other source still fills in beyond what the authoritative one has shown.
 */
export function authoritativeFillSource(broker: Broker): 'trade' | 'cumulative' {
  return broker === 'jainam' ? 'trade' : 'cumulative';
}

interface Level {
  filled: number;
  value: number;
  time: number;
  source: Fill['source'];
  ref: string;
}

export interface OrderFillsInput {
  broker: Broker;
  accountId: string;
  brokerOrderId: string;
  /** From the order state, else from a trade; fills cannot be placed without it. */
  instrument: Pick<Fill, 'exchange' | 'symbol' | 'product' | 'side'>;
  trades: TradeFact[];
  points: CumulativePoint[];
}

/**
 * The fills of one order as a pure function of the SETS of executions and cumulative levels seen
 * (so any delivery order with duplicates gives the same fills). Both sources become cumulative
 * levels (units filled, value filled); the authoritative source's levels are kept and the other's
 * extend them only above its highest level; consecutive levels are the fills. Every unit of
 * filled quantity is thus counted by exactly one source.
 */
export function deriveOrderFills(input: OrderFillsInput): Fill[] {
  const tradeLevels: Level[] = [];
  let filled = 0;
  let value = 0;
  for (const t of [...input.trades].sort((a, b) => a.tradeTime - b.tradeTime || cmp(a.tradeId, b.tradeId))) {
    filled += t.quantity;
    value += t.quantity * t.price;
    tradeLevels.push({ filled, value, time: t.tradeTime, source: 'trade', ref: t.tradeId });
  }
  const cumulativeLevels: Level[] = input.points
    .filter((p) => p.filled > 0)
    .sort((a, b) => a.filled - b.filled)
    .map((p) => ({
      filled: p.filled,
      value: p.filled * p.averagePrice,
      time: p.time,
      source: 'cumulative',
      ref: '',
    }));
  const [main, other] =
    authoritativeFillSource(input.broker) === 'trade'
      ? [tradeLevels, cumulativeLevels]
      : [cumulativeLevels, tradeLevels];
  const top = main.length ? main[main.length - 1].filled : 0;
  const levels = [...main, ...other.filter((l) => l.filled > top)].sort((a, b) => a.filled - b.filled);
  const fills: Fill[] = [];
  let prev = { filled: 0, value: 0 };
  for (const level of levels) {
    const quantity = level.filled - prev.filled;
    if (quantity <= 0) continue;
    const ref = level.source === 'trade' ? level.ref : `${prev.filled}-${level.filled}`;
    fills.push({
      fillId: `${input.brokerOrderId}/${level.source === 'trade' ? 't' : 'c'}/${ref}`,
      broker: input.broker,
      accountId: input.accountId,
      brokerOrderId: input.brokerOrderId,
      ...input.instrument,
      quantity,
      price: roundMoney((level.value - prev.value) / quantity),
      time: level.time,
      source: level.source,
      ref,
    });
    prev = level;
  }
  return fills;
}

/** Units filled and their average price, from fills of one order. */
export function summarizeFills(fills: Fill[]): { filledQuantity: number; averagePrice: number } {
  const qty = fills.reduce((s, f) => s + f.quantity, 0);
  const value = fills.reduce((s, f) => s + f.quantity * f.price, 0);
  return { filledQuantity: qty, averagePrice: qty ? roundMoney(value / qty) : 0 };
}

/** Reported filled quantity beyond the ordered quantity (trades or cumulative; fills or their units). */
export function isOverfilled(
  order: Pick<CanonicalOrder, 'quantity' | 'filledQuantity'> | null,
  fills: Fill[] | number,
): boolean {
  if (!order) return false;
  const counted = typeof fills === 'number' ? fills : summarizeFills(fills).filledQuantity;
  const filled = Math.max(order.filledQuantity, counted);
  return order.quantity > 0 && filled > order.quantity;
}

export interface PositionMath {
  netQuantity: number;
  averagePrice: number;
  realizedPnl: number;
  dayBuyQuantity: number;
  dayBuyValue: number;
  daySellQuantity: number;
  daySellValue: number;
}

/** A total order on a fill set, (time, order id, fill id): how trade books list fills. */
export function compareFills(a: Fill, b: Fill): number {
  return a.time - b.time || cmp(a.brokerOrderId, b.brokerOrderId) || cmp(a.fillId, b.fillId);
}

/** A position's day totals: units bought and sold and what they cost (rupees). */
export interface DayTotals {
  buyQty: number;
  buyValue: number;
  sellQty: number;
  sellValue: number;
}

/**
 * Day position from the fill totals, like Kite's day book: the average of the open quantity is the
 * average of the side it is on (buys when long, sells when short, 0 when flat), and realized P&L is
 * the closed quantity × (average sell − average buy). Sums commute, so the position is the same for
 * any order the fills are applied in; a running average-cost book would depend on which of two
 * fills in the same broker second came first, which no timestamp here can tell.
 */
export function positionMath(day: DayTotals): PositionMath {
  const buyAvg = day.buyQty ? day.buyValue / day.buyQty : 0;
  const sellAvg = day.sellQty ? day.sellValue / day.sellQty : 0;
  const net = day.buyQty - day.sellQty;
  const closed = Math.min(day.buyQty, day.sellQty);
  return {
    netQuantity: net,
    averagePrice: roundMoney(net > 0 ? buyAvg : net < 0 ? sellAvg : 0),
    realizedPnl: roundMoney(closed * (sellAvg - buyAvg)) || 0,
    dayBuyQuantity: day.buyQty,
    dayBuyValue: roundMoney(day.buyValue),
    daySellQuantity: day.sellQty,
    daySellValue: roundMoney(day.sellValue),
  };
}

/** positionMath of a set of fills; values summed in 1/10000 rupee, so the sum has no order. */
export function computePositionMath(fills: Fill[]): PositionMath {
  const day: DayTotals = { buyQty: 0, buyValue: 0, sellQty: 0, sellValue: 0 };
  for (const f of fills) {
    const units = f.quantity * Math.round(f.price * 10_000);
    if (f.side === 'BUY') {
      day.buyQty += f.quantity;
      day.buyValue += units;
    } else {
      day.sellQty += f.quantity;
      day.sellValue += units;
    }
  }
  return positionMath({ ...day, buyValue: day.buyValue / 10_000, sellValue: day.sellValue / 10_000 });
}

/**
 * (last price − average) × net quantity, in whole paise as the broker shows it: the price in paise,
 * the average in 1/10000 rupee (its stored precision), integer arithmetic, then half up to a paisa
 * (Kite's and the simulator's rounding). Floats would leave 4-decimal noise such as 12.3456.
 */
export function unrealizedPnl(math: PositionMath, lastPrice: number | null): number | null {
  if (lastPrice === null) return null;
  const diff = Math.round(lastPrice * 100) * 100 - Math.round(math.averagePrice * 10_000);
  return Math.round((diff * math.netQuantity) / 100) / 100 || 0;
}

export function positionRefOf(x: PositionRef): PositionRef {
  return {
    broker: x.broker,
    accountId: x.accountId,
    exchange: x.exchange,
    symbol: x.symbol,
    product: x.product,
  };
}

/** Rupees to 1/10000: removes float noise (0.1 + 0.2) without losing paise. */
export function roundMoney(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
