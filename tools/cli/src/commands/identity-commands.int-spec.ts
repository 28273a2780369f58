import { IdentityRepository, IdentityService } from '@fillwire/identity';
import { testPrefix, testRedisUrl } from '@fillwire/testing';
import Redis from 'ioredis';
import { runCli } from '../run-cli';

describe('fillwire users / keys / accounts / flags against Redis', () => {
  let env: Record<string, string>;
  let redis: Redis;
  let identity: IdentityService;

  const cli = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(argv, { env, out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  beforeAll(async () => {
    redis = new Redis(await testRedisUrl());
  });
  afterAll(async () => {
    await redis.quit();
  });
  beforeEach(async () => {
    const prefix = testPrefix('cli-identity');
    env = { REDIS_URL: await testRedisUrl(), FILLWIRE_PREFIX: prefix };
    identity = new IdentityService(new IdentityRepository(redis, prefix), { authCacheMs: 0 });
  });

  it('adds a user, links an account, issues a key that authenticates, revokes it', async () => {
    expect(await cli('users', 'add', 'carol', '--name', 'Carol', '--role', 'admin')).toMatchObject({ code: 0, out: 'created carol (admin) Carol' });
    expect((await cli('accounts', 'link', 'carol', 'zerodha', 'ZX0001')).out).toBe('linked zerodha:ZX0001 → carol');
    const issued = await cli('keys', 'issue', 'carol', '--label', 'bot');
    expect(issued.code).toBe(0);
    const apiKey = /api key \(shown once, store it now\): (\S+)/.exec(issued.out)?.[1];
    const keyId = /key id: (\S+)/.exec(issued.out)?.[1];
    expect(await identity.authenticate(apiKey)).toMatchObject({ userId: 'carol', role: 'admin', accounts: [expect.objectContaining({ accountId: 'ZX0001' })] });
    const listed = await cli('keys', 'list', 'carol');
    expect(listed.out).toContain(keyId);
    expect(listed.out).not.toContain(apiKey);
    expect((await cli('users', 'list')).out).toMatch(/^carol\tadmin\taccounts=zerodha:ZX0001\tkeys=1\tCarol$/);
    expect((await cli('keys', 'revoke', keyId!)).code).toBe(0);
    expect(await identity.authenticate(apiKey)).toBeNull();
  });

  it('mistakes are usage errors (exit 2)', async () => {
    expect((await cli('keys', 'issue', 'nobody')).code).toBe(2);
    expect((await cli('accounts', 'link', 'nobody', 'kite', 'X1')).code).toBe(2);
    await cli('users', 'add', 'dave');
    await cli('users', 'add', 'erin');
    await cli('accounts', 'link', 'dave', 'jainam', 'JX1');
    expect((await cli('accounts', 'link', 'erin', 'jainam', 'JX1')).code).toBe(2);
    expect((await cli('keys', 'revoke', 'key_missing')).code).toBe(2);
  });

  it('flags show prints the defaults until an admin changes them', async () => {
    const shown = await cli('flags', 'show');
    expect(JSON.parse(shown.out)).toMatchObject({ useEventDrivenOrders: true, rolloutPercent: 100, version: 0 });
  });
});
