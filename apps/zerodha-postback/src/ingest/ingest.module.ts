import { Module } from '@nestjs/common';
import { UpdateDeduper } from '@fillwire/broker-adapters';
import { EventLogRepository } from './event-log.repository';
import { IngestMetrics } from './ingest-metrics.service';
import { OrderIngestService } from './order-ingest.service';

/** The path from a normalized broker update to the event log, shared by every channel. */
@Module({
  providers: [
    EventLogRepository,
    IngestMetrics,
    { provide: UpdateDeduper, useFactory: () => new UpdateDeduper() },
    OrderIngestService,
  ],
  exports: [EventLogRepository, IngestMetrics, OrderIngestService],
})
export class IngestModule {}
