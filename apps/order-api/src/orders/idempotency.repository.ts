import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { APP_CONFIG, REDIS_CLIENT } from '@fillwire/observability';
import type Redis from 'ioredis';
import { z } from 'zod';
import type { OrderApiConfig } from '../config/order-api-config.schema';

export interface StoredResponse {
  status: number;
  body: unknown;
}

const RecordSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('pending'), fingerprint: z.string() }),
  z.object({
    state: z.literal('done'),
    fingerprint: z.string(),
    response: z.object({ status: z.number().int(), body: z.unknown() }),
  }),
]);

export type Claim =
  /** We run the request. `attempted`: an earlier owner reached the broker and died: look up first. */
  | { kind: 'owner'; attempted: boolean }
  | { kind: 'done'; response: StoredResponse }
  | { kind: 'mismatch' };

/** Takes the key if free (SET NX semantics) and says whether an earlier owner had reached the broker. */
const CLAIM = `
local current = redis.call('GET', KEYS[1])
if current then return {0, current} end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return {1, redis.call('EXISTS', KEYS[2])}
`;

type ClaimingRedis = Redis & {
  fillwireIdempotencyClaim(key: string, attemptedKey: string, record: string, ttl: number): Promise<[number, string | number]>;
};

/**
 * Idempotency-Key records: `<prefix>:order-api:idem:<user>:<sha256(key)>` holds `pending` (a lock
 * with a TTL) then `done` with the first response; `...:attempted` marks that a broker call was
 * made. Requests arriving while the first is pending wait for its response.
 */
@Injectable()
export class IdempotencyRepository {
  private readonly redis: ClaimingRedis;
  private readonly lockMs: number;

  constructor(
    @Inject(REDIS_CLIENT) redis: Redis,
    @Inject(APP_CONFIG) private readonly config: OrderApiConfig,
  ) {
    if (!('fillwireIdempotencyClaim' in redis)) redis.defineCommand('fillwireIdempotencyClaim', { numberOfKeys: 2, lua: CLAIM });
    this.redis = redis as ClaimingRedis;
    // Long enough for a broker timeout plus the order-book lookup that follows it.
    this.lockMs = config.ORDER_BROKER_TIMEOUT * 3 + 5000;
  }

  /** Claims the key, or waits for the response of whoever holds it (bounded by the lock's lifetime). */
  async claim(userId: string, key: string, fingerprint: string): Promise<Claim> {
    const deadline = Date.now() + this.lockMs + 1000;
    let pause = 2;
    for (;;) {
      const [claimed, value] = await this.redis.fillwireIdempotencyClaim(
        this.recordKey(userId, key),
        this.attemptedKey(userId, key),
        JSON.stringify({ state: 'pending', fingerprint }),
        this.lockMs,
      );
      if (claimed === 1) return { kind: 'owner', attempted: value === 1 };
      const record = RecordSchema.safeParse(JSON.parse(String(value)));
      if (record.success) {
        if (record.data.fingerprint !== fingerprint) return { kind: 'mismatch' };
        if (record.data.state === 'done') return { kind: 'done', response: record.data.response };
      }
      if (Date.now() > deadline) throw new Error(`idempotency key still pending after ${this.lockMs} ms`);
      await sleep(pause);
      pause = Math.min(pause * 2, 25);
    }
  }

  /** Marks that the broker is about to be called: after a crash, the next owner looks up by tag first. */
  async markAttempted(userId: string, key: string): Promise<void> {
    await this.redis.set(this.attemptedKey(userId, key), '1', 'PX', this.config.IDEMPOTENCY_TTL);
  }

  async complete(userId: string, key: string, fingerprint: string, response: StoredResponse): Promise<void> {
    await this.redis.set(
      this.recordKey(userId, key),
      JSON.stringify({ state: 'done', fingerprint, response }),
      'PX',
      this.config.IDEMPOTENCY_TTL,
    );
  }

  /** Frees the key after an outcome that is not final (rate limit, broker outage), so a retry runs again. */
  async release(userId: string, key: string): Promise<void> {
    await this.redis.del(this.recordKey(userId, key));
  }

  private recordKey(userId: string, key: string): string {
    return `${this.config.FILLWIRE_PREFIX}:order-api:idem:${userId}:${sha256(key)}`;
  }

  private attemptedKey(userId: string, key: string): string {
    return `${this.recordKey(userId, key)}:attempted`;
  }
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * The broker client reference for an idempotency key: Kite `tag` (≤ 20 alphanumerics) and XTS
 * `orderUniqueIdentifier` (≤ 20). Deterministic, so a retry after an ambiguous timeout finds the
 * first attempt's order by it; 72 bits of the hash make a collision between keys negligible.
 */
export function clientTagFor(userId: string, idempotencyKey: string): string {
  return `FW${sha256(`${userId}\n${idempotencyKey}`).slice(0, 18)}`;
}
