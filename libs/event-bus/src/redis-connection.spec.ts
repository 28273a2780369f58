import {
  consumerRedisOptions,
  describeRedisUrl,
  producerRedisOptions,
  redisOptionsFromUrl,
} from './redis-connection';

describe('redis connection settings', () => {
  it('turns a URL into BullMQ/ioredis options', () => {
    expect(redisOptionsFromUrl('redis://127.0.0.1:6390')).toEqual({ host: '127.0.0.1', port: 6390, db: 0 });
    expect(redisOptionsFromUrl('rediss://user:p%40ss@cache.example:6380/2')).toEqual({
      host: 'cache.example',
      port: 6380,
      username: 'user',
      password: 'p@ss',
      db: 2,
      tls: {},
    });
    expect(() => redisOptionsFromUrl('http://x')).toThrow(/not a Redis URL/);
  });

  it('never shows a password', () => {
    expect(describeRedisUrl('redis://:secret@h:1/0')).toBe('redis://:***@h:1/0');
    expect(describeRedisUrl('not a url')).not.toContain('not a url');
  });

  it('makes producers fail fast and consumers wait', () => {
    expect(producerRedisOptions(700)).toMatchObject({
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: 700,
    });
    expect(consumerRedisOptions()).toMatchObject({ maxRetriesPerRequest: null, enableOfflineQueue: true });
    const retry = (n: number) => consumerRedisOptions().retryStrategy!(n) as number;
    expect(retry(1)).toBeLessThan(retry(5));
    expect(retry(100)).toBe(2000);
  });
});
