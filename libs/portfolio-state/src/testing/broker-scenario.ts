import {
  createEnvelope,
  type Broker,
  type CanonicalOrder,
  type Channel,
  type OrderStatus,
  type Product,
  type Side,
  type TypedEnvelope,
} from '@fillwire/events';
import { roundMoney } from '../fill-math';

/** Events portfolio-manager consumes from the brokers' side. */
export type BrokerUpdateEnvelope = TypedEnvelope<'order.placed' | 'order.updated' | 'trade.executed'>;

/** One true execution of a scenario (ground truth the positions must end on). */
export interface TrueFill {
  broker: Broker;
  accountId: string;
  brokerOrderId: string;
  symbol: string;
  product: Product;
  side: Side;
  quantity: number;
  price: number;
  time: number;
}

export interface BrokerScenario {
  /** Every update in the order the broker produced them. */
  events: BrokerUpdateEnvelope[];
  fills: TrueFill[];
  /** Final canonical state of each order, by brokerOrderId. */
  finals: Map<string, CanonicalOrder>;
}

export interface ScenarioOptions {
  seed: number;
  orders: number;
  /** Kite orders also get trade.executed (as reconciliation of /trades would publish). */
  kiteTradesChance?: number;
  /** Distinct instruments (fewer = more orders per position). */
  symbols?: string[];
  t0?: number;
}

/** mulberry32: small, fast, seedable. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LABELS: Record<Broker, Partial<Record<OrderStatus, string>>> = {
  zerodha: {
    PENDING: 'PUT ORDER REQ RECEIVED',
    OPEN: 'OPEN',
    PARTIALLY_FILLED: 'UPDATE',
    FILLED: 'COMPLETE',
    CANCELLED: 'CANCELLED',
    REJECTED: 'REJECTED',
  },
  jainam: {
    PENDING: 'PendingNew',
    OPEN: 'New',
    PARTIALLY_FILLED: 'PartiallyFilled',
    FILLED: 'Filled',
    CANCELLED: 'Cancelled',
    REJECTED: 'Rejected',
  },
  paper: {},
};

/**
 * Random but valid broker histories: Kite-style orders (cumulative quantities on order updates,
 * optionally trades too) and XTS-style orders (an execution per fill plus order updates), some
 * filled, some cancelled after partial fills, some rejected. Deterministic for a seed.
 */
export function generateBrokerScenario(options: ScenarioOptions): BrokerScenario {
  const rand = rng(options.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const symbols = options.symbols ?? ['SBIN', 'INFY', 'RELIANCE'];
  const events: BrokerUpdateEnvelope[] = [];
  const fills: TrueFill[] = [];
  const finals = new Map<string, CanonicalOrder>();
  const t0 = options.t0 ?? 1767239110000;
  for (let i = 0; i < options.orders; i++) {
    const broker: Broker = rand() < 0.5 ? 'zerodha' : 'jainam';
    const accountId = broker === 'zerodha' ? 'AB1234' : 'JN0001';
    const brokerOrderId =
      broker === 'zerodha'
        ? `25${String(options.seed % 1e6).padStart(6, '0')}${String(i).padStart(6, '0')}`
        : String(1110000000 + i);
    const quantity = 1 + Math.floor(rand() * 50);
    const basePrice = roundMoney(100 + Math.floor(rand() * 18000) * 0.05);
    const channel: Channel = broker === 'zerodha' ? pick(['postback', 'ticker'] as const) : 'socket';
    let t = t0 + Math.floor(rand() * 3_600_000);
    const base: CanonicalOrder = {
      broker,
      accountId,
      brokerOrderId,
      exchangeOrderId: null,
      clientTag: `fw${i}`,
      symbol: pick(symbols),
      exchange: 'NSE',
      side: rand() < 0.5 ? 'BUY' : 'SELL',
      product: rand() < 0.7 ? 'MIS' : 'CNC',
      orderType: 'LIMIT',
      quantity,
      price: basePrice,
      triggerPrice: 0,
      filledQuantity: 0,
      pendingQuantity: quantity,
      averagePrice: 0,
      status: 'PENDING',
      statusMessage: null,
      brokerStatus: LABELS[broker].PENDING ?? 'PENDING',
      brokerTimestamp: t,
      exchangeTimestamp: null,
    };
    const state = (o: Partial<CanonicalOrder>): CanonicalOrder => {
      t += 1000 + Math.floor(rand() * 2000);
      const status = o.status ?? 'OPEN';
      return {
        ...base,
        exchangeOrderId: `13000000${String(i).padStart(8, '0')}`,
        ...o,
        brokerStatus: LABELS[broker][status] ?? status,
        brokerTimestamp: t,
        exchangeTimestamp: t,
      };
    };
    events.push(
      createEnvelope(
        'order.placed',
        { order: base, userId: 'demo', idempotencyKey: `k${options.seed}x${i}` },
        { source: 'test', channel: 'rest', receivedAt: t },
      ),
    );
    const update = (o: CanonicalOrder) =>
      events.push(
        createEnvelope(
          'order.updated',
          { order: o },
          { source: 'test', channel, receivedAt: o.brokerTimestamp ?? t },
        ),
      );
    if (rand() < 0.1) {
      const rejected = state({
        status: 'REJECTED',
        statusMessage: 'RMS: margin exceeds',
        pendingQuantity: 0,
      });
      update(rejected);
      finals.set(brokerOrderId, rejected);
      continue;
    }
    update(state({ status: 'OPEN' }));
    const fillAll = rand() < 0.6;
    const target = fillAll ? quantity : Math.floor(rand() * quantity);
    const withTrades = broker === 'jainam' || rand() < (options.kiteTradesChance ?? 0.3);
    let filled = 0;
    let value = 0;
    let last: CanonicalOrder = base;
    let tradeNo = 0;
    while (filled < target) {
      const qty = Math.min(target - filled, 1 + Math.floor(rand() * Math.max(1, Math.ceil(quantity / 2))));
      const price = roundMoney(basePrice + (Math.floor(rand() * 11) - 5) * 0.05);
      filled += qty;
      value += qty * price;
      const averagePrice = value / filled;
      const done = filled === quantity;
      last = state({
        status: done ? 'FILLED' : 'PARTIALLY_FILLED',
        filledQuantity: filled,
        pendingQuantity: quantity - filled,
        averagePrice,
      });
      fills.push({
        broker,
        accountId,
        brokerOrderId,
        symbol: base.symbol,
        product: base.product,
        side: base.side,
        quantity: qty,
        price,
        time: last.exchangeTimestamp ?? t,
      });
      if (withTrades) {
        tradeNo += 1;
        events.push(
          createEnvelope(
            'trade.executed',
            {
              broker,
              accountId,
              tradeId: `${brokerOrderId}${String(tradeNo).padStart(3, '0')}`,
              brokerOrderId,
              exchangeOrderId: last.exchangeOrderId,
              symbol: base.symbol,
              exchange: base.exchange,
              side: base.side,
              product: base.product,
              quantity: qty,
              price,
              tradeTime: last.exchangeTimestamp ?? t,
            },
            { source: 'test', channel: broker === 'zerodha' ? 'reconciliation' : 'socket', receivedAt: t },
          ),
        );
      }
      update(last);
    }
    if (filled < quantity) {
      // XTS keeps LeavesQuantity on a cancel; canonical pendingQuantity is 0 once terminal.
      last = state({
        status: 'CANCELLED',
        filledQuantity: filled,
        pendingQuantity: 0,
        averagePrice: filled ? value / filled : 0,
      });
      update(last);
    }
    finals.set(brokerOrderId, last);
  }
  return { events, fills, finals };
}

/** Expected net quantity and day totals per `broker|account|exchange|symbol|product`. */
export function expectedTotals(
  fills: TrueFill[],
): Map<string, { net: number; buyQty: number; sellQty: number; buyValue: number; sellValue: number }> {
  const out = new Map<
    string,
    { net: number; buyQty: number; sellQty: number; buyValue: number; sellValue: number }
  >();
  for (const f of fills) {
    const key = `${f.broker}|${f.accountId}|NSE|${f.symbol}|${f.product}`;
    const cur = out.get(key) ?? { net: 0, buyQty: 0, sellQty: 0, buyValue: 0, sellValue: 0 };
    if (f.side === 'BUY') {
      cur.net += f.quantity;
      cur.buyQty += f.quantity;
      cur.buyValue += f.quantity * f.price;
    } else {
      cur.net -= f.quantity;
      cur.sellQty += f.quantity;
      cur.sellValue += f.quantity * f.price;
    }
    out.set(key, cur);
  }
  return out;
}
