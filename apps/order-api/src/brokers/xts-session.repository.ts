import { Inject, Injectable } from '@nestjs/common';
import type { XtsSession } from '@fillwire/broker-adapters';
import { APP_CONFIG, REDIS_CLIENT } from '@fillwire/observability';
import type Redis from 'ioredis';
import { z } from 'zod';
import type { OrderApiConfig } from '../config/order-api-config.schema';

const XtsSessionSchema = z.object({
  token: z.string().min(1),
  userID: z.string().nullable(),
  isInvestorClient: z.boolean(),
  clientCodes: z.array(z.string()),
});

/**
 * The XTS session of an account, shared through Redis (`<prefix>:broker-session:jainam:<account>`).
 * XTS allows one session per key pair and a second login kills the first, so order-api and
 * jainam-gateway must use one token instead of logging each other out.
 */
@Injectable()
export class XtsSessionRepository {
  private readonly prefix: string;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @Inject(APP_CONFIG) config: OrderApiConfig,
  ) {
    this.prefix = `${config.FILLWIRE_PREFIX}:broker-session:jainam`;
  }

  async get(accountId: string): Promise<XtsSession | null> {
    const json = await this.redis.get(`${this.prefix}:${accountId}`);
    if (json === null) return null;
    const parsed = XtsSessionSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  }

  async set(accountId: string, session: XtsSession): Promise<void> {
    // XTS tokens live a day; keep ours a little less so nobody reuses an expired one.
    await this.redis.set(`${this.prefix}:${accountId}`, JSON.stringify(session), 'EX', 20 * 3600);
  }
}
