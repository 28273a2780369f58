import { Logger } from '@nestjs/common';
import type { BrokerAdapter, PositionRecord as BrokerPosition } from '@fillwire/broker-adapters';
import { createEnvelope, ProductSchema, type Broker } from '@fillwire/events';
import {
  positionMember,
  type PortfolioReadRepository,
  type PortfolioWriteRepository,
  type PositionRef,
} from '@fillwire/portfolio-state';
import { orderDrift } from './order-drift';

export type BrokerBooks = Pick<BrokerAdapter, 'getOrderBook'> & Partial<Pick<BrokerAdapter, 'getPositions'>>;

export interface ReconcileSink {
  /** Publishes order.reconciled on the bus (every replica and the notifier see the correction). */
  publish(envelope: ReturnType<typeof createEnvelope<'order.reconciled'>>): Promise<unknown>;
  /** Recomputes a position and publishes position.updated (cause `reconciliation`). */
  refreshPosition?(ref: PositionRef): Promise<unknown>;
  alert(message: string, fact: string, accountId: string, broker: Broker): Promise<void>;
  /** Orders corrected and positions still different from the broker's after the corrections. */
  drift(broker: Broker, accountId: string, orders: number, positions?: number): void;
}

export interface PositionDrift {
  member: string;
  local: number;
  broker: number;
}

/**
 * One reconciliation cycle of one account: read the broker's order book, apply every order the book
 * has newer than us as order.reconciled and publish it, then announce the positions those orders
 * feed (position.updated) and compare every position's net quantity with the broker's. Exactly one
 * replica runs a cycle (SET NX on account and cycle number); reads are paced by the caller's broker
 * access (XTS: 1 req/s per endpoint). An order or position that drifts in two consecutive cycles
 * raises an alert: the live channels keep missing it.
 */
export class ReconciliationService {
  private readonly logger = new Logger(ReconciliationService.name);

  constructor(
    private readonly read: PortfolioReadRepository,
    private readonly write: PortfolioWriteRepository,
    private readonly sink: ReconcileSink,
    private readonly intervalMs: number,
    private readonly now: () => number,
  ) {}

  /** Returns the broker order ids corrected, or null when another replica owns this cycle. */
  async reconcileAccount(broker: Broker, accountId: string, books: BrokerBooks): Promise<string[] | null> {
    const cycle = Math.floor(this.now() / this.intervalMs);
    if (!(await this.write.once(`reconcile|${broker}|${accountId}|${cycle}`, this.intervalMs * 3)))
      return null;
    const corrected: string[] = [];
    const touched = new Map<string, PositionRef>();
    for (const order of await books.getOrderBook()) {
      const local = await this.read.getOrder(order);
      const drift = orderDrift(local?.order ?? null, order);
      if (!drift) continue;
      const envelope = createEnvelope('order.reconciled', drift, {
        source: 'portfolio-manager',
        channel: 'reconciliation',
      });
      await this.write.applyOrderState(order, {
        eventId: envelope.id,
        type: envelope.type,
        source: envelope.source,
        channel: 'reconciliation',
        receivedAt: envelope.receivedAt,
        publishedAt: null,
      });
      await this.sink.publish(envelope);
      corrected.push(order.brokerOrderId);
      touched.set(positionMember(order), {
        broker,
        accountId,
        exchange: order.exchange,
        symbol: order.symbol,
        product: order.product,
      });
      this.logger.warn(
        { orderId: order.brokerOrderId, eventId: envelope.id, differences: drift.differences },
        'reconciliation corrected an order',
      );
      await this.alertIfPersisting(
        broker,
        accountId,
        `order|${order.brokerOrderId}`,
        cycle,
        `Order ${order.brokerOrderId} drifted from the broker's book in two consecutive reconciliations`,
      );
    }
    // The consumer sees our order.reconciled as a duplicate of this apply, so positions are announced here.
    if (this.sink.refreshPosition) for (const ref of touched.values()) await this.sink.refreshPosition(ref);
    let positionDrifts: PositionDrift[] = [];
    if (books.getPositions) {
      positionDrifts = await this.comparePositions(broker, accountId, await books.getPositions());
      for (const d of positionDrifts) {
        this.logger.warn(
          { accountId, position: d.member, local: d.local, broker: d.broker },
          'position differs from the broker after reconciliation',
        );
        await this.alertIfPersisting(
          broker,
          accountId,
          `position|${d.member}`,
          cycle,
          `Position ${d.member} of ${accountId} is ${d.local} here but ${d.broker} at the broker in two consecutive reconciliations`,
        );
      }
    }
    this.sink.drift(broker, accountId, corrected.length, positionDrifts.length);
    return corrected;
  }

  /**
   * Net quantity per instrument and product, ours against the broker's day rows (net rows when the
   * broker only gives those, as XTS NetWise). Overnight carry is not ours to count, so a broker
   * `net` row is compared only where no `day` rows exist.
   */
  async comparePositions(
    broker: Broker,
    accountId: string,
    rows: BrokerPosition[],
  ): Promise<PositionDrift[]> {
    const scope = rows.some((r) => r.scope === 'day') ? 'day' : 'net';
    const theirs = new Map<string, number>();
    for (const r of rows) {
      if (r.scope !== scope || !ProductSchema.safeParse(r.product).success) continue;
      const member = positionMember({
        exchange: r.exchange,
        symbol: r.symbol,
        product: r.product as PositionRef['product'],
      });
      theirs.set(member, (theirs.get(member) ?? 0) + r.netQuantity);
    }
    const ours = new Map<string, number>();
    for (const p of await this.read.listPositions({ broker, accountId }))
      ours.set(positionMember(p), p.netQuantity);
    const drifts: PositionDrift[] = [];
    for (const member of new Set([...theirs.keys(), ...ours.keys()])) {
      const local = ours.get(member) ?? 0;
      const remote = theirs.get(member) ?? 0;
      if (local !== remote) drifts.push({ member, local, broker: remote });
    }
    return drifts;
  }

  private async alertIfPersisting(
    broker: Broker,
    accountId: string,
    what: string,
    cycle: number,
    message: string,
  ): Promise<void> {
    const key = (c: number) => `drift|${broker}|${accountId}|${what}|${c}`;
    if (!(await this.write.once(key(cycle), this.intervalMs * 3))) return;
    const persisted = !(await this.write.once(key(cycle - 1), this.intervalMs * 3));
    if (persisted) await this.sink.alert(message, key(cycle), accountId, broker);
  }
}
