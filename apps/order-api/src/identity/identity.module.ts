import { Global, Inject, Logger, Module, OnApplicationBootstrap } from '@nestjs/common';
import { IdentityRepository, IdentityService, seedDemoIdentity } from '@fillwire/identity';
import { APP_CONFIG, REDIS_CLIENT } from '@fillwire/observability';
import type Redis from 'ioredis';
import type { OrderApiConfig } from '../config/order-api-config.schema';
import { AdminGuard } from './admin.guard';
import { ApiKeyGuard } from './api-key.guard';
import { SessionsController } from './sessions.controller';

/** Identity for the whole app: who is calling (API key or session token) and their accounts. */
@Global()
@Module({
  controllers: [SessionsController],
  providers: [
    {
      provide: IdentityService,
      inject: [REDIS_CLIENT, APP_CONFIG],
      useFactory: (redis: Redis, config: OrderApiConfig) =>
        new IdentityService(new IdentityRepository(redis, config.FILLWIRE_PREFIX), { sessionTtlMs: config.SESSION_TOKEN_TTL }),
    },
    ApiKeyGuard,
    AdminGuard,
  ],
  exports: [IdentityService, ApiKeyGuard, AdminGuard],
})
export class IdentityModule implements OnApplicationBootstrap {
  private readonly logger = new Logger(IdentityModule.name);

  constructor(
    private readonly identity: IdentityService,
    @Inject(APP_CONFIG) private readonly config: OrderApiConfig,
  ) {}

  /** Demo mode: the demo users, accounts and keys, seeded idempotently (every boot, every replica). */
  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.FILLWIRE_DEMO) return;
    const { generated } = await seedDemoIdentity(
      this.identity,
      { FILLWIRE_DEMO_API_KEY: this.config.FILLWIRE_DEMO_API_KEY, FILLWIRE_DEMO2_API_KEY: this.config.FILLWIRE_DEMO2_API_KEY },
      { generateMissing: true },
    );
    // Printed once on the console, never through the logger (logs are shipped; keys must not be).
    for (const { userId, apiKey } of generated) process.stdout.write(`demo API key for ${userId}: ${apiKey}\n`);
    this.logger.log(`demo identities ready (demo: AB1234, JN0001; demo2: CD5678)`);
  }
}
