import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  createEnvelope,
  type CanonicalOrder,
  type EventEnvelope,
  type OrderNotification,
  type PositionUpdated,
} from '@fillwire/events';
import { MetricsService } from '@fillwire/observability';
import {
  PortfolioWriteRepository,
  type PositionRecord,
  type PositionRef,
  type StateEnvelope,
} from '@fillwire/portfolio-state';
import type { OrderCancelled } from '@fillwire/events';
import type { OrderMeta, OrderRef } from '@fillwire/portfolio-state';
import {
  cancelReasonDoc,
  invalidTransition,
  notificationId,
  orderNotification,
} from './portfolio-notifications';

/** Runs after every applied order update (automation re-plans the exits of that order). */
export type OrderObserver = (ref: OrderRef, meta: OrderMeta | null) => Promise<void>;

/** Where portfolio-manager's own events go (the bus publisher in the app, a list in unit tests). */
export interface PortfolioEventSink {
  publish(envelope: EventEnvelope): Promise<unknown>;
  /** In one round trip, in this order; rejects if any failed (the caller's retry is idempotent). */
  publishMany(envelopes: EventEnvelope[]): Promise<unknown>;
}
export const PORTFOLIO_EVENT_SINK = Symbol('portfolio-event-sink');

const STATE_TYPES = new Set(['order.placed', 'order.updated', 'order.reconciled', 'trade.executed']);

/**
 * Applies broker updates to the order state and positions (one atomic Lua step each, see
 * @fillwire/portfolio-state) and announces what changed: position.updated, order.notification,
 * order.filled / order.cancelled. Idempotent: a redelivered event changes nothing and announces
 * nothing new (deterministic ids for once-per-fact events; the publisher drops duplicates).
 */
@Injectable()
export class PortfolioService {
  private readonly logger = new Logger(PortfolioService.name);
  private readonly applied;
  private readonly invalid;
  private readonly overfills;
  private readonly applyLatency;

  constructor(
    private readonly write: PortfolioWriteRepository,
    @Inject(PORTFOLIO_EVENT_SINK) private readonly sink: PortfolioEventSink,
    metrics: MetricsService,
  ) {
    this.applied = metrics.counter({
      name: 'fillwire_portfolio_updates_total',
      help: 'Broker updates applied, by event type and verdict (new, newer, duplicate, stale, recorded)',
      labelNames: ['type', 'verdict'],
    });
    this.invalid = metrics.counter({
      name: 'fillwire_portfolio_invalid_transitions_total',
      help: 'Order updates that break the state machine (kept out of the merged state)',
      labelNames: ['reason'],
    });
    this.overfills = metrics.counter({
      name: 'fillwire_portfolio_overfills_total',
      help: 'Orders whose reported fills exceed the ordered quantity',
    });
    this.applyLatency = metrics.histogram({
      name: 'fillwire_portfolio_publish_to_apply_ms',
      help: 'Time from publish on the bus to the update applied in Redis',
      buckets: [0.5, 1, 2, 5, 10, 25, 50, 100, 250, 1000],
    });
  }

  private observer: OrderObserver | null = null;

  /** Automation registers here at start (it depends on broker access, this service does not). */
  observeOrders(observer: OrderObserver): void {
    this.observer = observer;
  }

  /** A last traded price: stored for unrealized P&L (computed at read time, so no event per tick). */
  async onPrice(exchange: string, symbol: string, price: number): Promise<void> {
    await this.write.setLastPrice(exchange, symbol, price);
  }

  handles(type: string): boolean {
    return STATE_TYPES.has(type);
  }

  /** Applies one bus event. `publishedAt`: the stream entry time (null when unknown). */
  async handle(envelope: StateEnvelope, publishedAt: number | null): Promise<void> {
    const applied = await this.write.applyEnvelope(envelope, publishedAt);
    if (publishedAt !== null) this.applyLatency.observe(Date.now() - publishedAt);
    const ref =
      applied.kind === 'order'
        ? {
            broker: applied.order.broker,
            accountId: applied.order.accountId,
            brokerOrderId: applied.order.brokerOrderId,
          }
        : {
            broker: applied.trade.broker,
            accountId: applied.trade.accountId,
            brokerOrderId: applied.trade.brokerOrderId,
          };
    let fillsChanged: boolean;
    const { position, positionChanged } = applied.result;
    // What this step announces, published together in one round trip.
    const out: EventEnvelope[] = [];
    if (applied.kind === 'order') {
      const { result, order } = applied;
      this.applied.inc({ type: envelope.type, verdict: result.verdict });
      const reason = invalidTransition(result.previous, order, result.verdict === 'newer');
      if (reason) {
        this.invalid.inc({ reason });
        this.logger.warn(
          { eventId: envelope.id, orderId: order.brokerOrderId, reason, from: result.previous, to: order },
          `invalid transition ${result.previous?.status ?? '-'} → ${order.status} (${reason})`,
        );
      }
      // A redelivery of the update that made the current state: the replica that applied it may
      // have died before announcing. Announce again from the state alone (ids are deterministic).
      const again = result.redelivery && result.verdict === 'duplicate';
      if ((result.replaced || again) && result.current)
        out.push(
          ...(await this.orderAnnouncements(result.replaced ? result.previous : null, result.current)),
        );
      fillsChanged = result.levelAdded || result.replaced;
    } else {
      this.applied.inc({ type: envelope.type, verdict: applied.result.verdict });
      fillsChanged = applied.result.changed;
    }
    // The apply step returned the moved position, the stored meta and the fill count: no reads.
    if (positionChanged || applied.result.redelivery)
      out.push(
        this.positionEnvelope(position, envelope.type === 'order.reconciled' ? 'reconciliation' : 'trade'),
      );
    const state = applied.kind === 'order' ? applied.result.current : applied.result.order;
    if (
      fillsChanged &&
      state &&
      applied.result.overfilled &&
      (await this.write.once(`overfill|${ref.broker}|${ref.accountId}|${ref.brokerOrderId}`))
    ) {
      this.overfills.inc();
      const o = { ...state, filledQuantity: applied.result.filledQuantity };
      this.logger.error(
        { orderId: o.brokerOrderId, eventId: envelope.id },
        'overfill: fills exceed the ordered quantity',
      );
      out.push(
        this.notificationEnvelope(
          {
            kind: 'alert',
            level: 'error',
            message: `Overfill: ${o.side} ${o.symbol} order ${o.brokerOrderId} reports ${o.filledQuantity} filled of ${o.quantity}`,
            accountId: o.accountId,
            broker: o.broker,
            brokerOrderId: o.brokerOrderId,
            symbol: o.symbol,
            exchange: o.exchange,
            side: o.side,
            quantity: o.filledQuantity,
          },
          `overfill|${o.broker}|${o.accountId}|${o.brokerOrderId}`,
        ),
      );
    }
    if (out.length > 0) await this.sink.publishMany(out);
    // Every order step, even a stale one: order.placed (with the protection) may arrive after the fill.
    if (applied.kind === 'order' && this.observer)
      await this.observer(
        ref,
        envelope.type === 'order.placed' ? metaOf(envelope.data) : applied.result.meta,
      );
  }

  /** Reads a position and announces it (after a reconciliation pass, say). */
  async refreshPosition(ref: PositionRef, cause: PositionUpdated['cause']): Promise<PositionRecord> {
    const position = await this.write.position(ref);
    await this.sink.publish(this.positionEnvelope(position, cause));
    return position;
  }

  private positionEnvelope(position: PositionRecord, cause: PositionUpdated['cause']): EventEnvelope {
    const { version: _version, ...data } = position;
    void _version;
    return createEnvelope(
      'position.updated',
      { ...data, cause },
      { source: 'portfolio-manager', channel: 'internal' },
    );
  }

  async notify(notification: OrderNotification, fact: string): Promise<void> {
    await this.sink.publish(this.notificationEnvelope(notification, fact));
  }

  private notificationEnvelope(notification: OrderNotification, fact: string): EventEnvelope {
    return createEnvelope('order.notification', notification, {
      source: 'portfolio-manager',
      channel: 'internal',
      id: notificationId(notification.kind, fact),
    });
  }

  /** The notification line and the terminal event (order.filled / order.cancelled) of a new state. */
  private async orderAnnouncements(
    previous: CanonicalOrder | null,
    current: CanonicalOrder,
  ): Promise<EventEnvelope[]> {
    const out: EventEnvelope[] = [];
    const line = orderNotification(previous, current);
    const fact = `${current.broker}|${current.accountId}|${current.brokerOrderId}|${current.status}|${current.filledQuantity}`;
    if (line) out.push(this.notificationEnvelope(line, fact));
    const meta = { source: 'portfolio-manager' as const, channel: 'internal' as const };
    if (current.status === 'FILLED' && previous?.status !== 'FILLED')
      out.push(createEnvelope('order.filled', { order: current }, meta));
    if (current.status === 'CANCELLED' && previous?.status !== 'CANCELLED') {
      const by = await this.write.getDoc<OrderCancelled['cancelledBy']>(cancelReasonDoc(current));
      out.push(
        createEnvelope(
          'order.cancelled',
          {
            order: current,
            cancelledQuantity: Math.max(0, current.quantity - current.filledQuantity),
            // Automation records why before it cancels; the user's and the broker's cancels look alike.
            cancelledBy: by ?? 'unknown',
          },
          meta,
        ),
      );
    }
    return out;
  }
}

function metaOf(
  data: { userId: string | null; idempotencyKey: string | null } & Partial<OrderMeta>,
): OrderMeta {
  return {
    userId: data.userId,
    idempotencyKey: data.idempotencyKey,
    validity: data.validity,
    protection: data.protection,
    parentBrokerOrderId: data.parentBrokerOrderId,
  };
}
