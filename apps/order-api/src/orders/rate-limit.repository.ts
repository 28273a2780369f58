import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, REDIS_CLIENT } from '@fillwire/observability';
import type Redis from 'ioredis';
import type { OrderApiConfig } from '../config/order-api-config.schema';

const TAKE = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], 2000) end
return n
`;

type LimitingRedis = Redis & { fillwireRateTake(key: string): Promise<number> };

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Order commands per account per calendar second, counted in Redis so every replica shares the
 * budget. Kite counts per second on its clock and XTS shares 10/s across place/modify/cancel, so
 * one bucket per account for all three stays under both.
 */
@Injectable()
export class RateLimitRepository {
  private readonly redis: LimitingRedis;

  constructor(
    @Inject(REDIS_CLIENT) redis: Redis,
    @Inject(APP_CONFIG) private readonly config: OrderApiConfig,
  ) {
    if (!('fillwireRateTake' in redis)) redis.defineCommand('fillwireRateTake', { numberOfKeys: 1, lua: TAKE });
    this.redis = redis as LimitingRedis;
  }

  async take(broker: string, accountId: string): Promise<RateDecision> {
    const at = Date.now();
    const second = Math.floor(at / 1000);
    const count = await this.redis.fillwireRateTake(`${this.config.FILLWIRE_PREFIX}:order-api:rate:${broker}:${accountId}:${second}`);
    if (count <= this.config.ORDER_RATE_LIMIT_PER_SECOND) return { allowed: true };
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1000 - (at % 1000)) / 1000)) };
  }
}
