import { testPrefix, testRedisUrl } from '@fillwire/testing';
import Redis from 'ioredis';
import { seedDemoIdentity } from './demo-identity';
import { IdentityError } from './identity-error';
import { IdentityRepository } from './identity.repository';
import { IdentityService } from './identity.service';
import { hashSecret } from './secret-token';

describe('IdentityService on Redis', () => {
  let redis: Redis;
  let prefix: string;
  let identity: IdentityService;
  let clock: number;

  beforeAll(async () => {
    redis = new Redis(await testRedisUrl());
  });
  afterAll(async () => {
    await redis.quit();
  });
  beforeEach(() => {
    prefix = testPrefix('identity');
    clock = 1_000_000;
    identity = new IdentityService(new IdentityRepository(redis, prefix), { authCacheMs: 0, now: () => clock });
  });

  it('issues a key shown once, stores only its SHA-256 and authenticates with it', async () => {
    await identity.addUser({ id: 'alice' });
    await identity.linkAccount('alice', 'zerodha', 'AB9999');
    const { apiKey, record } = await identity.issueKey('alice', 'laptop');
    expect(apiKey).toMatch(/^fwk_[A-Za-z0-9_-]{43}$/);
    const keys = await redis.keys(`${prefix}:*`);
    for (const key of keys) {
      const type = await redis.type(key);
      const dump = type === 'string' ? await redis.get(key) : JSON.stringify(await redis.smembers(key).catch(() => []));
      expect(`${key} ${dump}`).not.toContain(apiKey);
    }
    expect(await redis.exists(`${prefix}:identity:key:${hashSecret(apiKey)}`)).toBe(1);
    const principal = await identity.authenticate(apiKey);
    expect(principal).toMatchObject({ userId: 'alice', role: 'user', via: 'api-key', keyId: record.keyId });
    expect(principal?.accounts.map((a) => a.accountId)).toEqual(['AB9999']);
    expect(await identity.authenticate(`${apiKey}x`)).toBeNull();
    expect(await identity.authenticate('')).toBeNull();
  });

  it('session tokens work until they expire or their key is revoked', async () => {
    await identity.addUser({ id: 'bob' });
    const { apiKey, record } = await identity.issueKey('bob');
    const session = await identity.issueSession(apiKey, 60_000);
    expect(session).not.toBeNull();
    expect(await identity.authenticate(session!.token)).toMatchObject({ userId: 'bob', via: 'session' });
    expect(await redis.pttl(`${prefix}:identity:session:${hashSecret(session!.token)}`)).toBeGreaterThan(0);
    clock += 61_000;
    expect(await identity.authenticate(session!.token)).toBeNull();
    clock -= 61_000;
    await identity.revokeKey(record.keyId);
    expect(await identity.authenticate(session!.token)).toBeNull();
    expect(await identity.authenticate(apiKey)).toBeNull();
    expect(await identity.issueSession(apiKey)).toBeNull();
  });

  it('refuses to link an account to a second user', async () => {
    await identity.addUser({ id: 'a' });
    await identity.addUser({ id: 'b' });
    await identity.linkAccount('a', 'jainam', 'JN7');
    expect((await identity.linkAccount('a', 'jainam', 'JN7')).linked).toBe(false);
    await expect(identity.linkAccount('b', 'jainam', 'JN7')).rejects.toBeInstanceOf(IdentityError);
    await expect(identity.linkAccount('nobody', 'jainam', 'JN8')).rejects.toThrow('no user nobody');
    expect(await identity.accountOwners()).toEqual({ JN7: 'a' });
  });

  it('seeds the demo identities idempotently and replaces a changed demo key', async () => {
    const keys = { FILLWIRE_DEMO_API_KEY: 'demo-key-0123456789abcdef', FILLWIRE_DEMO2_API_KEY: 'demo2-key-0123456789abcdef' };
    await seedDemoIdentity(identity, keys);
    await seedDemoIdentity(identity, keys);
    expect((await identity.listUsers()).map((u) => [u.id, u.role])).toEqual([
      ['demo', 'admin'],
      ['demo2', 'user'],
    ]);
    const demo = await identity.authenticate(keys.FILLWIRE_DEMO_API_KEY);
    expect(demo?.accounts.map((a) => `${a.broker}:${a.accountId}`)).toEqual(['zerodha:AB1234', 'jainam:JN0001']);
    expect((await identity.authenticate(keys.FILLWIRE_DEMO2_API_KEY))?.accounts.map((a) => a.accountId)).toEqual(['CD5678']);
    expect(await identity.listKeys('demo')).toHaveLength(1);
    await seedDemoIdentity(identity, { ...keys, FILLWIRE_DEMO_API_KEY: 'demo-key-changed-0123456789' });
    expect(await identity.authenticate(keys.FILLWIRE_DEMO_API_KEY)).toBeNull();
    expect(await identity.authenticate('demo-key-changed-0123456789')).toMatchObject({ userId: 'demo' });
  });

  it('generates a demo key only when none is configured and the user has none', async () => {
    const first = await seedDemoIdentity(identity, {}, { generateMissing: true });
    expect(first.generated.map((g) => g.userId)).toEqual(['demo', 'demo2']);
    expect(await identity.authenticate(first.generated[0].apiKey)).toMatchObject({ userId: 'demo' });
    const second = await seedDemoIdentity(identity, {}, { generateMissing: true });
    expect(second.generated).toEqual([]);
  });
});
