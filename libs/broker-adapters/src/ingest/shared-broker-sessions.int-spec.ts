import { testPrefix, testRedisUrl } from '@fillwire/testing';
import Redis from 'ioredis';
import { BrokerAuthError } from '../broker-errors';
import type { XtsSession } from '../xts/xts-normalize';
import { SharedBrokerSessions } from './shared-broker-sessions';

const session = (token: string): XtsSession => ({
  token,
  userID: 'JN0001',
  isInvestorClient: false,
  clientCodes: [],
});

describe('SharedBrokerSessions (real Redis)', () => {
  let redis: Redis;
  beforeAll(async () => {
    redis = new Redis(await testRedisUrl());
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('logs in to XTS once across concurrent processes, and again only for a failed token', async () => {
    const prefix = testPrefix('sess');
    // Two "processes": separate instances and connections on one Redis.
    const other = new Redis(await testRedisUrl());
    const a = new SharedBrokerSessions(redis, { prefix });
    const b = new SharedBrokerSessions(other, { prefix });
    let logins = 0;
    const login = async () => {
      logins += 1;
      await new Promise((r) => setTimeout(r, 50));
      return session(`t${logins}`);
    };
    const results = await Promise.all([
      a.loginXtsOnce('JN0001', login),
      b.loginXtsOnce('JN0001', login),
      a.loginXtsOnce('JN0001', login),
    ]);
    expect(logins).toBe(1);
    expect(results.map((s) => s.token)).toEqual(['t1', 't1', 't1']);

    // A still-valid shared token is returned as is; the failed one is replaced once.
    await expect(b.loginXtsOnce('JN0001', login, 'old')).resolves.toMatchObject({ token: 't1' });
    const renewed = await Promise.all([
      a.loginXtsOnce('JN0001', login, 't1'),
      b.loginXtsOnce('JN0001', login, 't1'),
    ]);
    expect(logins).toBe(2);
    expect(renewed.map((s) => s.token)).toEqual(['t2', 't2']);
    await other.quit();
  });

  it('adopts the owner’s session and never logs in itself', async () => {
    const prefix = testPrefix('sess');
    const sessions = new SharedBrokerSessions(redis, { prefix, loginWaitMs: 300 });
    await expect(sessions.adoptXtsSession('JN0001')).rejects.toBeInstanceOf(BrokerAuthError);
    const adopted = sessions.adoptXtsSession('JN0001', 'dead');
    await sessions.publishXtsSession('JN0001', session('fresh'));
    await expect(adopted).resolves.toMatchObject({ token: 'fresh' });
    await expect(sessions.adoptXtsSession('JN0001', 'fresh')).rejects.toThrow(/no shared XTS session/);
    await redis.set(`${prefix}:broker-session:zerodha:AB1234`, 'kite-token');
    await expect(sessions.kiteToken('AB1234')).resolves.toBe('kite-token');
  });

  it('stores a Kite token from the login flow until its expiry and reads several at once', async () => {
    const prefix = testPrefix('sess');
    const sessions = new SharedBrokerSessions(redis, { prefix });
    await expect(sessions.kiteSession('AB1234')).resolves.toBeNull();
    const expiresAt = Date.now() + 3_600_000;
    await sessions.publishKiteToken('AB1234', 'kite-access', expiresAt);
    const ttl = await redis.pttl(`${prefix}:broker-session:zerodha:AB1234`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(3_600_000);
    const stored = await sessions.kiteSession('AB1234');
    expect(stored?.token).toBe('kite-access');
    // Read back from the TTL: within the few ms this test took, never later than asked.
    expect(stored?.expiresAt).toBeLessThanOrEqual(expiresAt + 5);
    expect(stored?.expiresAt).toBeGreaterThan(expiresAt - 60_000);
    await expect(sessions.kiteTokens(['CD5678', 'AB1234'])).resolves.toEqual([null, 'kite-access']);
    await expect(sessions.kiteTokens([])).resolves.toEqual([]);
  });
});
