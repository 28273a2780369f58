import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { APP_CONFIG, REDIS_CLIENT } from '@fillwire/observability';
import type Redis from 'ioredis';
import { z } from 'zod';
import type { OrderApiConfig } from '../config/order-api-config.schema';

/** Who started a Kite login and for which account: what the callback may act for. */
export const KiteLoginBindingSchema = z.object({
  userId: z.string().min(1),
  accountId: z.string().min(1),
});
export type KiteLoginBinding = z.infer<typeof KiteLoginBindingSchema>;

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * The `state` of a Kite login: a random nonce (256 bits, base64url) that travels through Kite as
 * `redirect_params` and comes back on the callback. Redis keeps only its hash, bound to the user and
 * account, for a few minutes; GETDEL makes it single-use even across replicas.
 */
@Injectable()
export class KiteLoginStateRepository {
  private readonly root: string;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @Inject(APP_CONFIG) config: Pick<OrderApiConfig, 'FILLWIRE_PREFIX'>,
  ) {
    this.root = `${config.FILLWIRE_PREFIX}:kite-login`;
  }

  async create(binding: KiteLoginBinding, ttlMs: number): Promise<string> {
    const nonce = randomBytes(32).toString('base64url');
    await this.redis.set(this.key(nonce), JSON.stringify(binding), 'PX', ttlMs);
    return nonce;
  }

  /** The binding of a live nonce, deleting it; null when unknown, used or expired. */
  async consume(nonce: string): Promise<KiteLoginBinding | null> {
    const stored = await this.redis.getdel(this.key(nonce));
    if (stored === null) return null;
    try {
      const parsed = KiteLoginBindingSchema.safeParse(JSON.parse(stored));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  private key(nonce: string): string {
    return `${this.root}:${sha256(nonce)}`;
  }
}
