import { Injectable, Logger } from '@nestjs/common';
import { EventPublisher } from '@fillwire/event-bus';
import {
  createEnvelope,
  type FlagsUpdated,
  type OrderPlaced,
  type OrderRejected,
} from '@fillwire/events';

/** order-api's events on the bus, each in its envelope (source order-api, channel rest). */
@Injectable()
export class OrderEventsService {
  private readonly logger = new Logger(OrderEventsService.name);

  constructor(private readonly publisher: EventPublisher) {}

  /**
   * The broker has the order whatever happens here, so a bus failure must not turn the reply into
   * an error: it is logged, and the gateways' updates and reconciliation still bring the order in.
   */
  async orderPlaced(data: OrderPlaced, receivedAt: number): Promise<string | null> {
    const envelope = createEnvelope('order.placed', data, {
      source: 'order-api',
      channel: 'rest',
      userId: data.userId ?? undefined,
      receivedAt,
    });
    try {
      await this.publisher.publish(envelope);
      return envelope.id;
    } catch (err) {
      this.logger.error({ err, orderId: data.order.brokerOrderId, eventId: envelope.id }, 'order.placed not published');
      return null;
    }
  }

  async orderRejected(data: OrderRejected, receivedAt: number): Promise<void> {
    const envelope = createEnvelope('order.rejected', data, {
      source: 'order-api',
      channel: 'rest',
      userId: data.userId ?? undefined,
      receivedAt,
    });
    try {
      await this.publisher.publish(envelope);
    } catch (err) {
      this.logger.error({ err, eventId: envelope.id, accountId: data.intent.accountId }, 'order.rejected not published');
    }
  }

  /** A flags change must be announced (to everyone: no userId): this one fails the admin call if the bus is down. */
  async flagsUpdated(data: FlagsUpdated): Promise<void> {
    await this.publisher.publish(
      createEnvelope('flags.updated', data, { source: 'order-api', channel: 'internal' }),
    );
  }
}
