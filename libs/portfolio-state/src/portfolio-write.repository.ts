import type { Redis } from 'ioredis';
import type {
  Broker,
  CanonicalOrder,
  Channel,
  EventSource,
  TradeExecuted,
  TypedEnvelope,
} from '@fillwire/events';
import { LuaScript } from './lua-script';
import { orderMergeKey } from './merge-key';
import { authoritativeFillSource, isOverfilled } from './fill-math';
import { loadPosition, positionFromTotals, type PositionTotalsReply } from './position-loader';
import type {
  ApplyVerdict,
  CumulativePoint,
  OrderMeta,
  OrderRef,
  PositionRecord,
  PositionRef,
  TimelineEntry,
  TradeFact,
} from './portfolio-state.types';
import { APPLY_ORDER_SCRIPT, APPLY_TRADE_SCRIPT } from './state-scripts';
import { accountMember, positionMember, stateKeys, type StateKeys } from './state-keys';

/** How an update reached portfolio-manager, for its order's timeline. */
export interface Delivery {
  eventId: string;
  type: string;
  source: EventSource;
  channel: Channel | null;
  /** envelope.receivedAt: when Fillwire first saw the update. */
  receivedAt: number;
  /** When it was published on the bus (stream entry time); null when unknown. */
  publishedAt: number | null;
}

export interface OrderApplyResult {
  verdict: ApplyVerdict;
  redelivery: boolean;
  previous: CanonicalOrder | null;
  /** The stored state after this step (null only when nothing has been merged yet). */
  current: CanonicalOrder | null;
  /** A new cumulative fill level was recorded. */
  levelAdded: boolean;
  replaced: boolean;
  /** The order's position after this step; `changed` when this step moved it. */
  position: PositionRecord;
  positionChanged: boolean;
  /** The order's meta (from order.placed) as stored after this step. */
  meta: OrderMeta | null;
  /** Units filled: the state's or the fills', whichever is ahead. */
  filledQuantity: number;
  /** Fills beyond the ordered quantity (state or fills): an overfill. */
  overfilled: boolean;
}

export interface TradeApplyResult {
  verdict: 'new' | 'duplicate';
  redelivery: boolean;
  changed: boolean;
  position: PositionRecord;
  positionChanged: boolean;
  /** The order's merged state (null before any) and meta, as stored after this step. */
  order: CanonicalOrder | null;
  meta: OrderMeta | null;
  filledQuantity: number;
  overfilled: boolean;
}

/** The events that change order state, as the bus delivers them. */
export type StateEnvelope = TypedEnvelope<
  'order.placed' | 'order.updated' | 'order.reconciled' | 'trade.executed'
>;

export type EnvelopeApplyResult =
  | { kind: 'order'; result: OrderApplyResult; order: CanonicalOrder }
  | { kind: 'trade'; result: TradeApplyResult; trade: TradeExecuted };

export interface PortfolioStateOptions {
  /** FILLWIRE_PREFIX. */
  prefix: string;
  /** Deliveries kept per order timeline. */
  timelineLength?: number;
  /** Clock for appliedAt (tests). */
  now?: () => number;
}

const RELEASE_LOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
const applyOrder = new LuaScript(APPLY_ORDER_SCRIPT);
const applyTradeScript = new LuaScript(APPLY_TRADE_SCRIPT);

/**
 * The only writer of order state and positions. Each apply is one Lua step (see state-scripts.ts)
 * that merges commutatively, so any number of replicas may call it in any order.
 */
export class PortfolioWriteRepository {
  readonly keys: StateKeys;
  private readonly timelineLength: number;
  private readonly now: () => number;

  constructor(
    private readonly redis: Redis,
    options: PortfolioStateOptions,
  ) {
    this.keys = stateKeys(options.prefix);
    this.timelineLength = options.timelineLength ?? 200;
    this.now = options.now ?? (() => performance.timeOrigin + performance.now());
  }

  /**
   * Merges one broker state (order.placed, order.updated, order.reconciled). `recordOnly` keeps
   * it in the timeline without merging (the gateway marked it stale); its fill level still counts.
   */
  async applyOrderState(
    order: CanonicalOrder,
    delivery: Delivery,
    options: { meta?: OrderMeta; recordOnly?: boolean } = {},
  ): Promise<OrderApplyResult> {
    const ref = refOf(order);
    const pos = positionOf(order);
    const point: CumulativePoint | null =
      order.filledQuantity > 0
        ? {
            filled: order.filledQuantity,
            averagePrice: order.averagePrice,
            time: order.exchangeTimestamp ?? order.brokerTimestamp ?? 0,
          }
        : null;
    const raw = (await applyOrder.run(
      this.redis,
      [
        this.keys.orderHash(ref),
        this.keys.timeline(ref),
        this.keys.points(ref),
        this.keys.seen(ref),
        this.keys.accountOrders(order.broker, order.accountId),
        this.keys.accounts,
        this.keys.positionOrders(pos),
        this.keys.accountPositions(order.broker, order.accountId),
        this.keys.positionTotals(pos),
        this.keys.trades(ref),
        this.keys.lastPrice(pos.exchange, pos.symbol),
      ],
      [
        JSON.stringify(order),
        JSON.stringify(orderMergeKey(order)),
        this.timelineEntry(delivery, {
          status: order.status,
          filledQuantity: order.filledQuantity,
          tradeId: null,
          brokerTimestamp: order.brokerTimestamp,
        }),
        delivery.eventId,
        order.filledQuantity,
        point ? JSON.stringify(point) : '',
        point?.time ?? 0,
        point?.averagePrice ?? 0,
        options.meta ? JSON.stringify(options.meta) : '',
        order.brokerOrderId,
        accountMember(order.broker, order.accountId),
        positionMember(pos),
        this.timelineLength,
        options.recordOnly ? '0' : '1',
        order.side,
        authoritativeFillSource(order.broker),
        this.keys.orderBase(order.broker, order.accountId),
      ],
    )) as [ApplyVerdict, string, string, number, number, number, string, number, ...PositionTotalsReply];
    const [verdict, previous, current, redelivery, added, replaced, meta, filled, ...totals] = raw;
    const state = current ? (JSON.parse(current) as CanonicalOrder) : null;
    return {
      verdict,
      redelivery: redelivery === 1,
      previous: previous ? (JSON.parse(previous) as CanonicalOrder) : null,
      current: state,
      levelAdded: added === 1,
      replaced: replaced === 1,
      position: positionFromTotals(pos, totals),
      positionChanged: Number(totals[0]) === 1,
      meta: meta ? (JSON.parse(meta) as OrderMeta) : null,
      filledQuantity: Math.max(state?.filledQuantity ?? 0, filled),
      overfilled: isOverfilled(state, filled),
    };
  }

  /** Routes one bus event to its apply step; `publishedAt` is the stream entry's time. */
  async applyEnvelope(envelope: StateEnvelope, publishedAt: number | null): Promise<EnvelopeApplyResult> {
    const delivery: Delivery = {
      eventId: envelope.id,
      type: envelope.type,
      source: envelope.source,
      channel: envelope.channel ?? null,
      receivedAt: envelope.receivedAt,
      publishedAt,
    };
    switch (envelope.type) {
      case 'order.placed': {
        const { order, userId, idempotencyKey, validity, protection, parentBrokerOrderId } = envelope.data;
        const meta: OrderMeta = { userId, idempotencyKey, validity, protection, parentBrokerOrderId };
        const result = await this.applyOrderState(order, delivery, { meta });
        return { kind: 'order', result, order };
      }
      case 'order.updated': {
        const result = await this.applyOrderState(envelope.data.order, delivery, {
          recordOnly: envelope.data.stale === true,
        });
        return { kind: 'order', result, order: envelope.data.order };
      }
      case 'order.reconciled': {
        const result = await this.applyOrderState(envelope.data.order, delivery);
        return { kind: 'order', result, order: envelope.data.order };
      }
      case 'trade.executed': {
        const result = await this.applyTrade(envelope.data, delivery);
        return { kind: 'trade', result, trade: envelope.data };
      }
    }
  }

  /** Records one execution, once per (order, trade id). */
  async applyTrade(
    trade: TradeFact & { broker: Broker; accountId: string },
    delivery: Delivery,
  ): Promise<TradeApplyResult> {
    const ref = refOf(trade);
    const pos = positionOf(trade);
    const fact: TradeFact = {
      tradeId: trade.tradeId.trim(),
      brokerOrderId: trade.brokerOrderId,
      exchangeOrderId: trade.exchangeOrderId,
      symbol: trade.symbol,
      exchange: trade.exchange,
      side: trade.side,
      product: trade.product,
      quantity: trade.quantity,
      price: trade.price,
      tradeTime: trade.tradeTime,
    };
    const raw = (await applyTradeScript.run(
      this.redis,
      [
        this.keys.trades(ref),
        this.keys.timeline(ref),
        this.keys.seen(ref),
        this.keys.accountOrders(trade.broker, trade.accountId),
        this.keys.accounts,
        this.keys.positionOrders(pos),
        this.keys.accountPositions(trade.broker, trade.accountId),
        this.keys.positionTotals(pos),
        this.keys.orderHash(ref),
        this.keys.points(ref),
        this.keys.lastPrice(pos.exchange, pos.symbol),
      ],
      [
        fact.tradeId,
        JSON.stringify(fact),
        this.timelineEntry(delivery, {
          status: null,
          filledQuantity: trade.quantity,
          tradeId: fact.tradeId,
          brokerTimestamp: trade.tradeTime,
        }),
        delivery.eventId,
        trade.brokerOrderId,
        accountMember(trade.broker, trade.accountId),
        positionMember(pos),
        this.timelineLength,
        fact.side,
        authoritativeFillSource(trade.broker),
        this.keys.orderBase(trade.broker, trade.accountId),
        fact.quantity,
        fact.price,
      ],
    )) as ['new' | 'duplicate', number, number, string, string, number, ...PositionTotalsReply];
    const [verdict, redelivery, changed, state, meta, filled, ...totals] = raw;
    const order = state ? (JSON.parse(state) as CanonicalOrder) : null;
    return {
      verdict,
      redelivery: redelivery === 1,
      changed: changed === 1,
      position: positionFromTotals(pos, totals),
      positionChanged: Number(totals[0]) === 1,
      order,
      meta: meta ? (JSON.parse(meta) as OrderMeta) : null,
      filledQuantity: Math.max(order?.filledQuantity ?? 0, filled),
      overfilled: isOverfilled(order, filled),
    };
  }

  /** A position as it stands (the apply steps keep it up to date; this only reads it). */
  position(ref: PositionRef): Promise<PositionRecord> {
    return loadPosition(this.redis, this.keys, ref);
  }

  /** Last traded price of an instrument, for unrealized P&L and trailing stops. */
  async setLastPrice(exchange: string, symbol: string, price: number): Promise<void> {
    await this.redis.set(this.keys.lastPrice(exchange, symbol), String(price));
  }

  /** True exactly once per `what` across replicas and restarts (SET NX with a TTL). */
  async once(what: string, ttlMs = 7 * 86_400_000): Promise<boolean> {
    return (await this.redis.set(this.keys.once(what), String(this.now()), 'PX', ttlMs, 'NX')) === 'OK';
  }

  /** A small JSON document of automation state (OCO legs, cancel reasons), kept a week by default. */
  async putDoc(what: string, value: unknown, ttlMs = 7 * 86_400_000): Promise<void> {
    await this.redis.set(this.keys.doc(what), JSON.stringify(value), 'PX', ttlMs);
  }

  async getDoc<T>(what: string): Promise<T | null> {
    const json = await this.redis.get(this.keys.doc(what));
    return json === null ? null : (JSON.parse(json) as T);
  }

  /**
   * Runs `work` holding a lock shared by every replica (SET NX with a TTL, released only by its
   * holder). Waits up to `waitMs` for it; throws when it cannot get it, so the caller retries later.
   */
  async withLock<T>(
    what: string,
    work: () => Promise<T>,
    options: { ttlMs?: number; waitMs?: number } = {},
  ): Promise<T> {
    const key = this.keys.lock(what);
    const owner = `${process.pid}-${Math.random().toString(36).slice(2)}`;
    const deadline = Date.now() + (options.waitMs ?? 5_000);
    while ((await this.redis.set(key, owner, 'PX', options.ttlMs ?? 10_000, 'NX')) !== 'OK') {
      if (Date.now() >= deadline) throw new Error(`lock ${what} is busy`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    try {
      return await work();
    } finally {
      await this.redis.eval(RELEASE_LOCK, 1, key, owner);
    }
  }

  private timelineEntry(
    delivery: Delivery,
    fields: Pick<TimelineEntry, 'status' | 'filledQuantity' | 'tradeId' | 'brokerTimestamp'>,
  ): string {
    const appliedAt = this.now();
    const entry: Omit<TimelineEntry, 'verdict' | 'redelivery'> = {
      eventId: delivery.eventId,
      type: delivery.type,
      source: delivery.source,
      channel: delivery.channel,
      ...fields,
      receivedAt: delivery.receivedAt,
      latencyMs:
        fields.brokerTimestamp === null ? null : round3(delivery.receivedAt - fields.brokerTimestamp),
      publishToApplyMs: delivery.publishedAt === null ? null : round3(appliedAt - delivery.publishedAt),
      appliedAt,
    };
    return JSON.stringify(entry);
  }
}

function refOf(x: OrderRef): OrderRef {
  return { broker: x.broker, accountId: x.accountId, brokerOrderId: x.brokerOrderId };
}

function positionOf(x: PositionRef): PositionRef {
  return {
    broker: x.broker,
    accountId: x.accountId,
    exchange: x.exchange,
    symbol: x.symbol,
    product: x.product,
  };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
