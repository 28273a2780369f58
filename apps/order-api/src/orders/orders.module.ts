import { Module } from '@nestjs/common';
import { IdempotencyRepository } from './idempotency.repository';
import { OrderQueriesService } from './order-queries.service';
import { OrderRegistryRepository } from './order-registry.repository';
import { OrdersController } from './orders.controller';
import { OrdersService } from './orders.service';
import { RateLimitRepository } from './rate-limit.repository';

@Module({
  controllers: [OrdersController],
  providers: [OrdersService, OrderQueriesService, IdempotencyRepository, RateLimitRepository, OrderRegistryRepository],
  exports: [OrdersService, OrderQueriesService],
})
export class OrdersModule {}
