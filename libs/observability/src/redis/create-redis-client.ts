import Redis, { type RedisOptions } from 'ioredis';

/** Reconnect delay: quick first retries, then every 2 s, forever (consumers wait for Redis). */
export function redisRetryDelay(attempt: number): number {
  return Math.min(100 * 2 ** Math.max(0, attempt - 1), 2000);
}

/**
 * An ioredis client the way our services use it: not connected until `connect()` (so boot
 * decides when), named for `CLIENT LIST`, commands wait for a reconnect instead of failing
 * (`maxRetriesPerRequest: null`, which BullMQ also requires). Producers that must fail fast
 * pass `enableOfflineQueue: false`.
 */
export function createRedisClient(url: string, name: string, overrides: RedisOptions = {}): Redis {
  return new Redis(url, {
    lazyConnect: true,
    connectionName: name,
    maxRetriesPerRequest: null,
    retryStrategy: redisRetryDelay,
    ...overrides,
  });
}
