import type { DeliveryMeta, PositionRecord, TradeRecord } from '@fillwire/broker-adapters';
import { KeyedSerializer, UpdateDeduper } from '@fillwire/broker-adapters';
import {
  createEnvelope,
  isKnownBrokerStatus,
  preciseNow,
  ProductSchema,
  type CanonicalOrder,
  type Channel,
  type EventEnvelope,
} from '@fillwire/events';
import type { IngestMetrics } from './gateway-metrics.service';

/** Where envelopes go; resolves once the bus has acknowledged (EventPublisher fits). */
export interface EnvelopeSink {
  publish(envelope: EventEnvelope): Promise<unknown>;
}

export interface IngestLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export type IngestOutcome = 'published' | 'stale' | 'duplicate' | 'failed' | 'unusable';

export interface UpdateIngestOptions {
  sink: EnvelopeSink;
  metrics: IngestMetrics;
  /** Fillwire user of a broker account (config). */
  userOf(accountId: string): string | undefined;
  logger: IngestLogger;
  /** Told when the bus did not take an update, so the account resyncs from the broker's books. */
  onPublishFailure?(accountId: string): void;
  deduper?: UpdateDeduper;
  now?: () => number;
}

const orderKey = (accountId: string, brokerOrderId: string): string => `${accountId}\u0000${brokerOrderId}`;

/** Channels that find what the socket missed: anything new they bring is a correction. */
const CORRECTING: ReadonlySet<Channel> = new Set<Channel>(['reconciliation', 'polling']);

/**
 * Broker update → bus decisions for one gateway: exact duplicates dropped and counted, states
 * lower than one already seen published with `stale: true`, everything else published with its
 * receipt time and channel. An update counts as seen only once the bus acknowledged it.
 * Updates of one order (its states and trades) are decided and published one after another, in
 * call order; different orders' publishes overlap (they share one pipelined Redis connection), so
 * one round trip per update does not cap the gateway's rate.
 */
export class UpdateIngestService {
  readonly deduper: UpdateDeduper;
  private readonly now: () => number;
  private readonly serial = new KeyedSerializer();

  constructor(private readonly o: UpdateIngestOptions) {
    this.deduper = o.deduper ?? new UpdateDeduper();
    this.now = o.now ?? preciseNow;
  }

  /** Orders with an update being decided or published (or waiting behind one of the same order). */
  get inFlight(): number {
    return this.serial.pending;
  }

  ingestOrder(order: CanonicalOrder, meta: DeliveryMeta): Promise<IngestOutcome> {
    return this.serial.run(orderKey(order.accountId, order.brokerOrderId), () =>
      this.decideOrder(order, meta),
    );
  }

  ingestTrade(trade: TradeRecord, meta: DeliveryMeta): Promise<IngestOutcome> {
    return this.serial.run(orderKey(trade.accountId, trade.brokerOrderId), () =>
      this.decideTrade(trade, meta),
    );
  }

  private async decideOrder(order: CanonicalOrder, meta: DeliveryMeta): Promise<IngestOutcome> {
    const { metrics } = this.o;
    metrics.received(order.accountId, meta.channel, 'order');
    const { verdict, id } = this.deduper.classifyOrder(order);
    if (verdict === 'duplicate') {
      metrics.duplicate(order.accountId, 'order');
      return 'duplicate';
    }
    const stale = verdict === 'stale';
    const statusKnown = isKnownBrokerStatus(order.broker, order.brokerStatus);
    let envelope: EventEnvelope;
    try {
      envelope = createEnvelope(
        'order.updated',
        { order, ...(statusKnown ? {} : { statusKnown: false }), ...(stale ? { stale: true } : {}) },
        {
          source: 'jainam-gateway',
          channel: meta.channel,
          id,
          ...this.routing(order.accountId, meta, order.brokerTimestamp),
        },
        // The XTS normalizer checked the order against CanonicalOrderSchema a moment ago.
        { trustedData: true },
      );
    } catch (error) {
      return this.unusable(order.accountId, meta.channel, error, { brokerOrderId: order.brokerOrderId });
    }
    if (!(await this.publish(envelope, order.accountId, meta))) return 'failed';
    this.deduper.recordOrder(order, id);
    if (stale) metrics.stale(order.accountId);
    else if (CORRECTING.has(meta.channel)) metrics.correction(order.accountId, 'order');
    return stale ? 'stale' : 'published';
  }

  private async decideTrade(trade: TradeRecord, meta: DeliveryMeta): Promise<IngestOutcome> {
    const { metrics } = this.o;
    metrics.received(trade.accountId, meta.channel, 'trade');
    const { verdict, id } = this.deduper.classifyTrade(trade);
    if (verdict === 'duplicate') {
      metrics.duplicate(trade.accountId, 'trade');
      return 'duplicate';
    }
    const product = ProductSchema.safeParse(trade.product);
    if (!product.success)
      return this.unusable(trade.accountId, meta.channel, new Error(`unsupported product ${trade.product}`), {
        tradeId: trade.tradeId,
      });
    const tradeTime = trade.tradeTimestamp ?? Math.floor(meta.receivedAt);
    let envelope: EventEnvelope;
    try {
      envelope = createEnvelope(
        'trade.executed',
        {
          broker: trade.broker,
          accountId: trade.accountId,
          tradeId: trade.tradeId,
          brokerOrderId: trade.brokerOrderId,
          exchangeOrderId: trade.exchangeOrderId,
          symbol: trade.symbol,
          exchange: trade.exchange,
          side: trade.side,
          product: product.data,
          quantity: trade.quantity,
          price: trade.price,
          tradeTime,
        },
        {
          source: 'jainam-gateway',
          channel: meta.channel,
          id,
          ...this.routing(trade.accountId, meta, tradeTime),
        },
      );
    } catch (error) {
      return this.unusable(trade.accountId, meta.channel, error, { tradeId: trade.tradeId });
    }
    if (!(await this.publish(envelope, trade.accountId, meta))) return 'failed';
    this.deduper.recordTrade(id);
    if (CORRECTING.has(meta.channel)) metrics.correction(trade.accountId, 'trade');
    return 'published';
  }

  /**
   * Broker positions are not published: position.updated is the portfolio manager's own view, and a
   * second producer would make screens flip between two numbers. The socket copy is validated and
   * counted; the portfolio manager reconciles against the broker's positions itself (REST).
   */
  notePosition(position: PositionRecord, meta: DeliveryMeta): void {
    this.o.metrics.received(position.accountId, meta.channel, 'position');
  }

  noteUnusable(accountId: string, channel: Channel | null, error: string): void {
    this.o.metrics.unusable(accountId, channel ?? 'unknown');
    this.o.logger.warn({ accountId, channel, error }, 'unusable broker payload');
  }

  private routing(accountId: string, meta: DeliveryMeta, brokerTime: number | null) {
    const userId = this.o.userOf(accountId);
    return {
      receivedAt: meta.receivedAt,
      ts: brokerTime ?? Math.floor(meta.receivedAt),
      ...(userId ? { userId } : {}),
    };
  }

  private async publish(envelope: EventEnvelope, accountId: string, meta: DeliveryMeta): Promise<boolean> {
    try {
      await this.o.sink.publish(envelope);
    } catch (error) {
      this.o.metrics.publishFailed(accountId);
      this.o.logger.error(
        { err: error, eventId: envelope.id, key: envelope.key, accountId },
        'event bus did not take a broker update; resyncing',
      );
      this.o.onPublishFailure?.(accountId);
      return false;
    }
    this.o.metrics.acked(meta.channel, Math.max(0, this.now() - meta.receivedAt) / 1000);
    return true;
  }

  private unusable(accountId: string, channel: Channel, error: unknown, ids: object): IngestOutcome {
    this.o.metrics.unusable(accountId, channel);
    this.o.logger.warn(
      { ...ids, accountId, channel, err: error },
      'broker update does not fit the event schema',
    );
    return 'unusable';
  }
}
