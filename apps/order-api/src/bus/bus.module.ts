import { Global, Module } from '@nestjs/common';
import { OrderEventsService } from './order-events.service';

/**
 * order-api's events (order.placed, order.rejected, flags.updated), published through the
 * EventPublisher of EventBusModule (app.module.ts), which also owns its connection and shutdown.
 */
@Global()
@Module({ providers: [OrderEventsService], exports: [OrderEventsService] })
export class BusModule {}
