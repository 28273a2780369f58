import { Logger } from '@nestjs/common';
import type { BrokerAdapter } from '@fillwire/broker-adapters';
import { createEnvelope, type Broker } from '@fillwire/events';
import type { PortfolioReadRepository, PortfolioWriteRepository } from '@fillwire/portfolio-state';
import { orderDrift } from './order-drift';

export type BrokerBooks = Pick<BrokerAdapter, 'getOrderBook'>;

export interface ReconcileSink {
  /** Publishes order.reconciled on the bus (every replica and the notifier see the correction). */
  publish(envelope: ReturnType<typeof createEnvelope<'order.reconciled'>>): Promise<unknown>;
  alert(message: string, fact: string, accountId: string, broker: Broker): Promise<void>;
  drift(broker: Broker, accountId: string, orders: number): void;
}

/**
 * One reconciliation cycle of one account: read the broker's order book (one request: within XTS's
 * 1 req/s per endpoint), apply every order the book has newer than us as order.reconciled, and
 * publish it. Exactly one replica runs a cycle (SET NX on account and cycle number). An order that
 * drifts in two consecutive cycles raises an alert: the live channels keep missing it.
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
      this.logger.warn(
        { orderId: order.brokerOrderId, eventId: envelope.id, differences: drift.differences },
        'reconciliation corrected an order',
      );
      if (
        await this.write.once(
          `drift|${broker}|${accountId}|${order.brokerOrderId}|${cycle}`,
          this.intervalMs * 3,
        )
      ) {
        const persisted = !(await this.write.once(
          `drift|${broker}|${accountId}|${order.brokerOrderId}|${cycle - 1}`,
          this.intervalMs * 3,
        ));
        if (persisted)
          await this.sink.alert(
            `Order ${order.brokerOrderId} drifted from the broker's book in two consecutive reconciliations`,
            `drift|${broker}|${accountId}|${order.brokerOrderId}|${cycle}`,
            accountId,
            broker,
          );
      }
    }
    this.sink.drift(broker, accountId, corrected.length);
    return corrected;
  }
}
