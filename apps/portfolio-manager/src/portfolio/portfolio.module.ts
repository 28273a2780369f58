import { Module } from '@nestjs/common';
import { APP_CONFIG, REDIS_CLIENT } from '@fillwire/observability';
import { PortfolioReadRepository, PortfolioWriteRepository } from '@fillwire/portfolio-state';
import type { Redis } from 'ioredis';
import type { PortfolioManagerConfig } from '../config/portfolio-manager-config.schema';
import { BusPublisherRepository } from './bus-publisher.repository';
import { OrderEventsProcessor } from './order-events.processor';
import { PORTFOLIO_EVENT_SINK, PortfolioService } from './portfolio.service';

/** Order state and positions: bus consumer, Lua-backed state, announcements. */
@Module({
  providers: [
    {
      provide: PortfolioWriteRepository,
      inject: [REDIS_CLIENT, APP_CONFIG],
      useFactory: (redis: Redis, config: PortfolioManagerConfig) =>
        new PortfolioWriteRepository(redis, { prefix: config.FILLWIRE_PREFIX }),
    },
    {
      provide: PortfolioReadRepository,
      inject: [REDIS_CLIENT, APP_CONFIG],
      useFactory: (redis: Redis, config: PortfolioManagerConfig) =>
        new PortfolioReadRepository(redis, { prefix: config.FILLWIRE_PREFIX }),
    },
    BusPublisherRepository,
    { provide: PORTFOLIO_EVENT_SINK, useExisting: BusPublisherRepository },
    PortfolioService,
    OrderEventsProcessor,
  ],
  exports: [PortfolioService, PortfolioWriteRepository, PortfolioReadRepository, PORTFOLIO_EVENT_SINK],
})
export class PortfolioModule {}
