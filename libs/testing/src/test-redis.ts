import { randomBytes } from 'node:crypto';
import { startRedisServer, type RedisServerHandle } from './redis-server';

let own: Promise<RedisServerHandle> | undefined;

/**
 * The Redis URL for integration tests: the run's private server started by Jest's global setup,
 * or (when a test file runs outside that setup) a private server for this process.
 */
export async function testRedisUrl(): Promise<string> {
  const shared = process.env.FILLWIRE_TEST_REDIS_URL;
  if (shared) return shared;
  own ??= startRedisServer();
  const server = await own;
  process.once('exit', () => void server.kill());
  return server.url;
}

/** A fresh key prefix per test, so tests sharing the run's Redis never see each other's keys. */
export function testPrefix(name = 't'): string {
  return `${name}-${randomBytes(5).toString('hex')}`;
}
