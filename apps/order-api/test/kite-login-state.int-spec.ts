import { testPrefix, testRedisUrl, waitFor } from '@fillwire/testing';
import Redis from 'ioredis';
import { KiteLoginStateRepository } from '../src/kite-login/kite-login-state.repository';

describe('KiteLoginStateRepository (real Redis)', () => {
  let redis: Redis;
  let prefix: string;
  let states: KiteLoginStateRepository;
  beforeAll(async () => {
    redis = new Redis(await testRedisUrl());
  });
  beforeEach(() => {
    prefix = testPrefix('kite-login');
    states = new KiteLoginStateRepository(redis, { FILLWIRE_PREFIX: prefix });
  });
  afterAll(async () => {
    await redis.quit();
  });

  const keys = () => redis.keys(`${prefix}:kite-login:*`);

  it('issues a 256-bit nonce bound to user and account, stored only as a hash with the TTL', async () => {
    const nonce = await states.create({ userId: 'alice', accountId: 'AB1234' }, 60_000);
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const [key] = await keys();
    expect(key).toMatch(new RegExp(`^${prefix}:kite-login:[0-9a-f]{64}$`));
    expect(key).not.toContain(nonce);
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('gives the binding back once; a second consume, or two at once, get it only once', async () => {
    const nonce = await states.create({ userId: 'alice', accountId: 'AB1234' }, 60_000);
    await expect(states.consume(nonce)).resolves.toEqual({ userId: 'alice', accountId: 'AB1234' });
    await expect(states.consume(nonce)).resolves.toBeNull();

    const racing = await states.create({ userId: 'bob', accountId: 'CD5678' }, 60_000);
    const other = new Redis(await testRedisUrl());
    const replica = new KiteLoginStateRepository(other, { FILLWIRE_PREFIX: prefix });
    const results = await Promise.all([states.consume(racing), replica.consume(racing)]);
    await other.quit();
    expect(results.filter((r) => r !== null)).toEqual([{ userId: 'bob', accountId: 'CD5678' }]);
    expect(await keys()).toEqual([]);
  });

  it('knows nothing of an unknown nonce, an expired one, or a tampered record', async () => {
    await expect(states.consume('x'.repeat(43))).resolves.toBeNull();
    const expiring = await states.create({ userId: 'alice', accountId: 'AB1234' }, 1);
    // A 1 ms TTL: wait until Redis itself has dropped the key (no timing assumption on our side).
    await waitFor(async () => (await keys()).length === 0, { what: 'the state to expire' });
    await expect(states.consume(expiring)).resolves.toBeNull();

    const nonce = await states.create({ userId: 'alice', accountId: 'AB1234' }, 60_000);
    const [key] = await keys();
    await redis.set(key, '{"userId":"alice"}');
    await expect(states.consume(nonce)).resolves.toBeNull();
  });
});
