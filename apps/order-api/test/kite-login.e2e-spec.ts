import { kiteSessionExpiresAt } from '@fillwire/broker-adapters';
import { IdentityRepository, IdentityService } from '@fillwire/identity';
import {
  startKiteLoginStack,
  testPrefix,
  testRedisUrl,
  type BrokerSimProcess,
  type KiteLoginStack,
  type ServiceProcess,
} from '@fillwire/testing';
import Redis from 'ioredis';
import { call } from './order-api-app';

// Two child processes (simulator, order-api compiled on the fly) on a shared, busy machine.
jest.setTimeout(120_000);

const marketBuy = (accountId: string) => ({
  accountId,
  symbol: 'SBIN',
  exchange: 'NSE',
  side: 'BUY',
  quantity: 1,
  orderType: 'MARKET',
  product: 'MIS',
});

/**
 * The Kite login round trip over real HTTP: order-api outside demo mode (no session unless a user
 * logs in) → the simulator's Kite login → order-api's callback, as a browser follows redirects.
 */
describe('Kite login flow (order-api, FILLWIRE_DEMO=0, against the simulator)', () => {
  let stack: KiteLoginStack;
  let sim: BrokerSimProcess;
  let api: ServiceProcess;
  let redis: Redis;
  let prefix: string;
  let aliceKey: string;
  let bobKey: string;
  /** Every request and access token seen in the round trips: none may reach order-api's log. */
  const secrets: string[] = [];

  const sessionKey = (accountId: string) => `${prefix}:broker-session:zerodha:${accountId}`;
  const get = (path: string, init: { key?: string; accept?: string } = {}) =>
    fetch(path.startsWith('http') ? path : `${api.url}${path}`, {
      redirect: 'manual',
      headers: {
        ...(init.key ? { authorization: `Bearer ${init.key}` } : {}),
        ...(init.accept ? { accept: init.accept } : {}),
      },
    });
  const location = (res: Response): string => {
    expect(res.status).toBe(302);
    return res.headers.get('location') ?? '';
  };
  /** login → Kite (the simulator) → the callback URL Kite redirects the browser to. */
  const toCallback = async (key: string, accountId: string, kiteUser?: string): Promise<string> => {
    const kiteLogin = new URL(
      location(await get(`/v1/brokers/zerodha/login?accountId=${accountId}`, { key })),
    );
    if (kiteUser) kiteLogin.searchParams.set('user_id', kiteUser);
    const callback = location(await get(kiteLogin.toString()));
    secrets.push(new URL(callback).searchParams.get('request_token') ?? '');
    return callback;
  };

  beforeAll(async () => {
    const redisUrl = await testRedisUrl();
    redis = new Redis(redisUrl);
    prefix = testPrefix('kite-login');
    const identity = new IdentityService(new IdentityRepository(redis, prefix));
    for (const [user, accountId] of [
      ['alice', 'AB1234'],
      ['bob', 'CD5678'],
    ]) {
      await identity.addUser({ id: user });
      await identity.linkAccount(user, 'zerodha', accountId);
    }
    aliceKey = (await identity.issueKey('alice')).apiKey;
    bobKey = (await identity.issueKey('bob')).apiKey;
    stack = await startKiteLoginStack({ redisUrl, prefix, logLevel: 'info' });
    ({ sim, api } = stack);
  });

  afterAll(async () => {
    await stack?.stop();
    await redis?.quit();
  });

  it('refuses an order without a session; after following the login redirects the order is placed', async () => {
    const refused = await call(api.url, 'POST', '/v1/orders', { key: aliceKey, body: marketBuy('AB1234') });
    expect(refused.status).toBe(502);
    expect(refused.body.message).toMatch(
      /no Kite session for AB1234.*\/v1\/brokers\/zerodha\/login\?accountId=AB1234/,
    );
    const before = await call(api.url, 'GET', '/v1/brokers/zerodha/session?accountId=AB1234', {
      key: aliceKey,
    });
    expect(before.body).toMatchObject({
      accountId: 'AB1234',
      active: false,
      expiresAt: null,
      demoLogin: false,
    });

    const out = await get('/v1/brokers/zerodha/login?accountId=AB1234', { key: aliceKey });
    expect(out.headers.get('cache-control')).toBe('no-store');
    const kiteLogin = new URL(location(out));
    expect(`${kiteLogin.origin}${kiteLogin.pathname}`).toBe(`${sim.kiteUrl}/connect/login`);
    expect(kiteLogin.searchParams.get('v')).toBe('3');
    expect(kiteLogin.searchParams.get('api_key')).toBe(sim.env.KITE_API_KEY);
    const state = new URLSearchParams(kiteLogin.searchParams.get('redirect_params') ?? '').get('state');
    expect(state).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const back = new URL(location(await get(kiteLogin.toString())));
    expect(`${back.origin}${back.pathname}`).toBe(`${api.url}/v1/brokers/zerodha/callback`);
    expect(back.searchParams.get('status')).toBe('success');
    expect(back.searchParams.get('state')).toBe(state);
    const requestToken = back.searchParams.get('request_token') ?? '';
    expect(requestToken).not.toBe('');
    secrets.push(requestToken);

    const loginAt = Date.now();
    const done = await get(back.toString(), { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' });
    expect(done.status).toBe(200);
    expect(done.headers.get('content-type')).toMatch(/text\/html/);
    const html = await done.text();
    expect(html).toContain('Zerodha connected');
    expect(html).toContain('AB1234');

    const accessToken = await redis.get(sessionKey('AB1234'));
    expect(accessToken).toMatch(/^[0-9a-f]{32}$/);
    secrets.push(accessToken ?? '');
    const ttl = await redis.pttl(sessionKey('AB1234'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(kiteSessionExpiresAt(loginAt) - loginAt);
    const all = await call<{ sessions: Array<{ accountId: string; active: boolean }> }>(
      api.url,
      'GET',
      '/v1/brokers/zerodha/session',
      { key: aliceKey },
    );
    expect(all.body.sessions).toEqual([expect.objectContaining({ accountId: 'AB1234', active: true })]);
    const after = await call<{ active: boolean; expiresAt: string }>(
      api.url,
      'GET',
      '/v1/brokers/zerodha/session?accountId=AB1234',
      { key: aliceKey },
    );
    expect(after.body.active).toBe(true);
    // The next 06:00 IST (to the second: the answer is read back from the key's TTL).
    expect(Math.abs(Date.parse(after.body.expiresAt) - kiteSessionExpiresAt(loginAt))).toBeLessThan(1000);

    const placed = await call(api.url, 'POST', '/v1/orders', { key: aliceKey, body: marketBuy('AB1234') });
    expect(placed.status).toBe(201);
    const { orders } = await sim.admin<{ orders: Array<{ orderId: string }> }>('/_sim/orders?userId=AB1234');
    expect(orders.map((o) => o.orderId)).toContain(placed.body.orderId);

    // The same redirect again (a reload, a replay): the state is spent.
    const replay = await call(api.url, 'GET', back.pathname + back.search);
    expect(replay.status).toBe(400);
    expect(replay.body.message).toMatch(/already used/);
    expect(await redis.get(sessionKey('AB1234'))).toBe(accessToken);
  });

  it('refuses a wrong or missing state and a login Kite did not complete with 400, storing nothing', async () => {
    const callback = await toCallback(bobKey, 'CD5678');
    const forged = new URL(callback);
    forged.searchParams.set('state', 'x'.repeat(43));
    const wrong = await call(api.url, 'GET', forged.pathname + forged.search);
    expect(wrong.status).toBe(400);
    expect(wrong.body.message).toMatch(/unknown, already used or expired/);
    forged.searchParams.delete('state');
    expect((await call(api.url, 'GET', forged.pathname + forged.search)).status).toBe(400);

    const cancelled = new URL(callback);
    cancelled.searchParams.set('status', 'cancelled');
    const page = await get(cancelled.toString(), { accept: 'text/html' });
    expect(page.status).toBe(400);
    expect(await page.text()).toContain('Kite did not complete the login (status=cancelled)');
    // The state was spent by that attempt: the genuine redirect cannot be used after it.
    expect((await call(api.url, 'GET', new URL(callback).pathname + new URL(callback).search)).status).toBe(
      400,
    );
    expect(await redis.exists(sessionKey('CD5678'))).toBe(0);
  });

  it('refuses a session of the wrong Kite user: the user logged in to Kite as someone else', async () => {
    const callback = await toCallback(bobKey, 'CD5678', 'AB1234');
    const refused = await call(api.url, 'GET', new URL(callback).pathname + new URL(callback).search);
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/logged in to Kite as AB1234, but this login is for CD5678/);
    expect(await redis.exists(sessionKey('CD5678'))).toBe(0);
    const order = await call(api.url, 'POST', '/v1/orders', { key: bobKey, body: marketBuy('CD5678') });
    expect(order.status).toBe(502);
  });

  it("answers 404 for another user's account and 401 without a key", async () => {
    for (const path of [
      '/v1/brokers/zerodha/login?accountId=AB1234',
      '/v1/brokers/zerodha/session?accountId=AB1234',
    ]) {
      const res = await get(path, { key: bobKey });
      expect(res.status).toBe(404);
      expect(res.headers.get('location')).toBeNull();
      expect((await get(path)).status).toBe(401);
    }
  });

  it('gives the login URL as JSON to a caller that asks for JSON (the dashboard)', async () => {
    const res = await get('/v1/brokers/zerodha/login?accountId=CD5678', {
      key: bobKey,
      accept: 'application/json',
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { loginUrl: string; accountId: string };
    expect(body.accountId).toBe('CD5678');
    expect(body.loginUrl.startsWith(`${sim.kiteUrl}/connect/login?v=3&api_key=`)).toBe(true);
  });

  // Last: stopping order-api flushes its buffered log.
  it('never logs a request token or an access token', async () => {
    await api.stop();
    const log = api.process.output;
    expect(log).toContain('Kite session stored');
    expect(log).toContain('/v1/brokers/zerodha/callback?');
    expect(secrets.filter((s) => s.length >= 16)).toHaveLength(secrets.length);
    for (const secret of secrets) expect(log).not.toContain(secret);
  });
});
