import { Injectable } from '@nestjs/common';
import { SharedBrokerSessions } from '@fillwire/broker-adapters';
import { InjectAppConfig, InjectRedis } from '@fillwire/observability';
import type Redis from 'ioredis';
import type { ZerodhaPostbackConfig } from '../config/zerodha-postback-config.schema';

/**
 * Kite access tokens that order-api's login flow shares in Redis
 * (`<prefix>:broker-session:zerodha:<account>`, until Kite's 06:00 IST cut-off).
 */
@Injectable()
export class SharedKiteSessionsRepository {
  private readonly sessions: SharedBrokerSessions;

  constructor(@InjectAppConfig() config: ZerodhaPostbackConfig, @InjectRedis() redis: Redis) {
    this.sessions = new SharedBrokerSessions(redis, { prefix: config.FILLWIRE_PREFIX });
  }

  token(accountId: string): Promise<string | null> {
    return this.sessions.kiteToken(accountId);
  }

  /** One round trip for every account, in the order asked. */
  tokens(accountIds: readonly string[]): Promise<Array<string | null>> {
    return this.sessions.kiteTokens(accountIds);
  }
}
