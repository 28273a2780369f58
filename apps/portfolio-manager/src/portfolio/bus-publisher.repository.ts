import { Injectable } from '@nestjs/common';
import { EventPublisher } from '@fillwire/event-bus';
import type { EventEnvelope } from '@fillwire/events';
import type { PortfolioEventSink } from './portfolio.service';

/**
 * portfolio-manager's events onto the bus through EventBusModule's publisher (idempotent by
 * envelope id; fails fast when Redis is down; closed by the module at shutdown).
 */
@Injectable()
export class BusPublisherRepository implements PortfolioEventSink {
  constructor(private readonly publisher: EventPublisher) {}

  async publish(envelope: EventEnvelope): Promise<unknown> {
    return this.publisher.publish(envelope);
  }

  async publishMany(envelopes: EventEnvelope[]): Promise<unknown> {
    return this.publisher.publishMany(envelopes);
  }
}
