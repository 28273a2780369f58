import { Module } from '@nestjs/common';
import { SharedBrokerSessions } from '@fillwire/broker-adapters';
import { APP_CONFIG, REDIS_CLIENT } from '@fillwire/observability';
import type Redis from 'ioredis';
import type { OrderApiConfig } from '../config/order-api-config.schema';
import { KiteLoginStateRepository } from './kite-login-state.repository';
import { KiteLoginController } from './kite-login.controller';
import { KiteLoginService } from './kite-login.service';

/** Zerodha's daily Kite Connect login: redirect out, callback in, the session shared through Redis. */
@Module({
  controllers: [KiteLoginController],
  providers: [
    KiteLoginService,
    KiteLoginStateRepository,
    {
      provide: SharedBrokerSessions,
      inject: [REDIS_CLIENT, APP_CONFIG],
      useFactory: (redis: Redis, config: OrderApiConfig) =>
        new SharedBrokerSessions(redis, { prefix: config.FILLWIRE_PREFIX }),
    },
  ],
})
export class KiteLoginModule {}
