import { hostname } from 'node:os';
import Redis, { type RedisOptions } from 'ioredis';

/** The URL without its password, for logs and error messages. */
export function describeRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '<invalid redis url>';
  }
}

/** ioredis options from a redis:// or rediss:// URL (BullMQ takes options, not URLs). */
export function redisOptionsFromUrl(url: string): RedisOptions {
  const u = new URL(url);
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:')
    throw new Error(`not a Redis URL: ${describeRedisUrl(url)}`);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new Error(`invalid Redis database in ${describeRedisUrl(url)}`);
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    db,
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/** Reconnect forever, backing off to 2 s: consumers wait for Redis to come back. */
const retryStrategy = (attempt: number): number => Math.min(50 * 2 ** Math.min(attempt, 6), 2000);

/**
 * Producers fail fast: no offline queue, no retry of a command cut off by a disconnect and a
 * short command timeout, so a publish during an outage rejects its caller instead of waiting.
 * The connection itself still reconnects in the background.
 */
export function producerRedisOptions(commandTimeoutMs = 2000): RedisOptions {
  return {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: commandTimeoutMs,
    connectTimeout: Math.max(commandTimeoutMs, 1000),
    retryStrategy,
    lazyConnect: true,
  };
}

/** Consumers and workers wait for Redis (BullMQ's production guide: maxRetriesPerRequest null). */
export function consumerRedisOptions(): RedisOptions {
  return { maxRetriesPerRequest: null, enableOfflineQueue: true, retryStrategy, lazyConnect: true };
}

export function createRedis(url: string, options: RedisOptions, name: string): Redis {
  const redis = new Redis(url, { ...options, connectionName: name });
  // Connection errors surface through commands and readiness; an unhandled 'error' event must not crash the process.
  redis.on('error', () => undefined);
  return redis;
}

export function defaultConsumerName(): string {
  return `${hostname()}-${process.pid}`;
}

/** Resolves once the connection is ready (connecting it if it is lazy), or rejects after `timeoutMs`. */
export async function whenReady(redis: Redis, timeoutMs = 10_000): Promise<void> {
  if (redis.status === 'ready') return;
  if (redis.status === 'wait') {
    await redis.connect();
    return;
  }
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      reject(new Error(`Redis not ready within ${timeoutMs} ms (${redis.status})`));
    }, timeoutMs);
    const onReady = (): void => {
      clearTimeout(timer);
      resolve();
    };
    redis.once('ready', onReady);
  });
}
