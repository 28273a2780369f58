/* eslint-disable @typescript-eslint/no-explicit-any -- event payloads are inspected loosely */
import type { INestApplication } from '@nestjs/common';
import { startBrokerSimProcess, testPrefix, testRedisUrl, waitFor, type BrokerSimProcess } from '@fillwire/testing';
import Redis from 'ioredis';
import { KiteConnect } from 'kiteconnect';
import { call, DEMO2_KEY, DEMO_KEY, startOrderApi } from './order-api-app';
import { startDelayProxy } from './delay-proxy';

interface SimOrder {
  orderId: string;
  userId: string;
  state: string;
  price: number;
  quantity: number;
  tag: string | null;
}

const limitBuy = (accountId: string, over: Record<string, unknown> = {}) => ({
  accountId,
  symbol: 'SBIN',
  exchange: 'NSE',
  side: 'BUY',
  quantity: 1,
  orderType: 'LIMIT',
  product: 'MIS',
  // Well below the simulator's SBIN price (812.45): the order stays open.
  price: 790,
  ...over,
});

/** order-api over real HTTP against the broker simulator (child process) and the run's Redis. */
describe('order-api /v1 against the simulator', () => {
  let sim: BrokerSimProcess;
  let redis: Redis;
  let prefix: string;
  let app: INestApplication;
  let url: string;
  let kite: InstanceType<typeof KiteConnect>;

  const simOrders = async (userId: string) => (await sim.admin<{ orders: SimOrder[] }>(`/_sim/orders?userId=${userId}`)).orders;
  const busEvents = async () =>
    (await redis.xrange(`${prefix}:events`, '-', '+')).map(([, fields]) => JSON.parse(fields[1]) as { type: string; key?: string; userId?: string; data: Record<string, any> });

  beforeAll(async () => {
    sim = await startBrokerSimProcess({ SIM_XTS_RATE_LIMIT: '0' });
    const redisUrl = await testRedisUrl();
    redis = new Redis(redisUrl);
    prefix = testPrefix('order-api');
    ({ app, url } = await startOrderApi({ REDIS_URL: redisUrl, FILLWIRE_PREFIX: prefix, KITE_ROOT_URL: sim.kiteUrl, XTS_BASE_URL: sim.xtsUrl }));
    kite = new KiteConnect({ api_key: 'kite-demo', root: sim.kiteUrl });
    const session = await kite.generateSession('AB1234', 'demo-secret');
    kite.setAccessToken(session.access_token);
  });

  afterAll(async () => {
    await app?.close();
    await redis?.quit();
    await sim?.stop();
  });

  it('places a Zerodha order: the simulator has it (kiteconnect getOrders) and order.placed is on the bus', async () => {
    const placed = await call(url, 'POST', '/v1/orders', {
      key: DEMO_KEY,
      body: limitBuy('AB1234', { stopLoss: 780, target: 805 }),
    });
    expect(placed.status).toBe(201);
    expect(placed.body).toMatchObject({ broker: 'zerodha', accountId: 'AB1234', status: 'PENDING', symbol: 'SBIN', recovered: false });
    const orderId = placed.body.orderId as string;
    const atKite = (await kite.getOrders()).find((o) => o.order_id === orderId);
    expect(atKite).toMatchObject({ tradingsymbol: 'SBIN', transaction_type: 'BUY', quantity: 1, price: 790 });
    const event = (await busEvents()).find((e) => e.type === 'order.placed' && e.key === orderId);
    expect(event).toMatchObject({ userId: 'demo', data: { userId: 'demo', protection: { stopLoss: 780, target: 805 }, order: { status: 'PENDING' } } });

    const detail = await call(url, 'GET', `/v1/orders/${orderId}`, { key: DEMO_KEY });
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ orderId, symbol: 'SBIN', protection: { stopLoss: 780, target: 805 } });
    expect((detail.body.timeline as Array<{ event: string; channel: string }>)[0]).toMatchObject({ event: 'order.placed', channel: 'rest' });
    const list = await call<{ orders: Array<{ orderId: string }> }>(url, 'GET', '/v1/orders?accountId=AB1234', { key: DEMO_KEY });
    expect(list.body.orders.map((o) => o.orderId)).toContain(orderId);

    const modified = await call(url, 'PATCH', `/v1/orders/${orderId}`, { key: DEMO_KEY, body: { price: 791.5, quantity: 2 } });
    expect(modified).toMatchObject({ status: 200, body: { orderId, status: 'accepted' } });
    await waitFor(async () => (await simOrders('AB1234')).find((o) => o.orderId === orderId && o.price === 791.5 && o.quantity === 2), {
      what: 'the modification at the simulator',
    });

    const cancelled = await call(url, 'DELETE', `/v1/orders/${orderId}`, { key: DEMO_KEY });
    expect(cancelled).toMatchObject({ status: 200, body: { orderId, status: 'accepted' } });
    await waitFor(async () => (await kite.getOrders()).find((o) => o.order_id === orderId && o.status === 'CANCELLED'), {
      what: 'the cancellation at Kite',
    });
  });

  it('places, modifies and cancels on a Jainam (XTS) account', async () => {
    const placed = await call(url, 'POST', '/v1/orders', { key: DEMO_KEY, body: limitBuy('JN0001', { symbol: 'RELIANCE', price: 1380 }) });
    expect(placed.status).toBe(201);
    expect(placed.body).toMatchObject({ broker: 'jainam', accountId: 'JN0001' });
    const orderId = placed.body.orderId as string;
    expect((await simOrders('JN0001')).find((o) => o.orderId === orderId)).toMatchObject({ price: 1380 });
    expect((await busEvents()).some((e) => e.type === 'order.placed' && e.key === orderId)).toBe(true);
    expect((await call(url, 'PATCH', `/v1/orders/${orderId}`, { key: DEMO_KEY, body: { price: 1381 } })).status).toBe(200);
    await waitFor(async () => (await simOrders('JN0001')).find((o) => o.orderId === orderId && o.price === 1381), { what: 'XTS modify' });
    expect((await call(url, 'DELETE', `/v1/orders/${orderId}`, { key: DEMO_KEY })).status).toBe(200);
    await waitFor(async () => (await simOrders('JN0001')).find((o) => o.orderId === orderId && o.state === 'cancelled'), { what: 'XTS cancel' });
  });

  it('20 concurrent identical requests with one Idempotency-Key: one broker order, 20 identical responses', async () => {
    const key = `idem-${prefix}`;
    const replies = await Promise.all(
      Array.from({ length: 20 }, () =>
        call(url, 'POST', '/v1/orders', { key: DEMO_KEY, body: limitBuy('AB1234'), headers: { 'Idempotency-Key': key } }),
      ),
    );
    expect(new Set(replies.map((r) => r.status))).toEqual(new Set([201]));
    expect(new Set(replies.map((r) => JSON.stringify(r.body))).size).toBe(1);
    const { orderId, clientTag } = replies[0].body as { orderId: string; clientTag: string };
    expect(clientTag).toMatch(/^[A-Za-z0-9]{1,20}$/);
    expect((await simOrders('AB1234')).filter((o) => o.tag === clientTag).map((o) => o.orderId)).toEqual([orderId]);
    expect((await busEvents()).filter((e) => e.type === 'order.placed' && e.key === orderId)).toHaveLength(1);

    const later = await call(url, 'POST', '/v1/orders', { key: DEMO_KEY, body: limitBuy('AB1234'), headers: { 'Idempotency-Key': key } });
    expect(later.body).toEqual(replies[0].body);
    const other = await call(url, 'POST', '/v1/orders', { key: DEMO_KEY, body: limitBuy('AB1234', { quantity: 3 }), headers: { 'Idempotency-Key': key } });
    expect(other.status).toBe(422);
  });

  it('invalid bodies → 400 listing each bad field, and the broker is not called', async () => {
    const before = (await simOrders('AB1234')).length;
    const bad = await call<{ issues: Array<{ field: string }> }>(url, 'POST', '/v1/orders', {
      key: DEMO_KEY,
      body: { accountId: 'AB1234', symbol: 'SBIN', exchange: 'NYSE', side: 'HOLD', quantity: -1, orderType: 'LIMIT', product: 'MIS', qty: 1 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i) => i.field).sort()).toEqual(expect.arrayContaining(['exchange', 'side', 'quantity']));
    expect(JSON.stringify(bad.body)).toContain('qty');
    const noPrice = await call<{ issues: Array<{ field: string }> }>(url, 'POST', '/v1/orders', { key: DEMO_KEY, body: limitBuy('AB1234', { price: undefined }) });
    expect(noPrice.status).toBe(400);
    expect(noPrice.body.issues.map((i) => i.field)).toEqual(['price']);
    expect((await call(url, 'POST', '/v1/orders', { key: DEMO_KEY, body: 'not json at all' })).status).toBe(400);
    expect((await simOrders('AB1234')).length).toBe(before);
  });

  it('a broker refusal is a 400 carrying the broker message, and order.rejected is published', async () => {
    const refused = await call(url, 'POST', '/v1/orders', { key: DEMO_KEY, body: limitBuy('AB1234', { symbol: 'NOSUCHSYMBOL' }) });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ broker: 'zerodha' });
    expect(String(refused.body.message).length).toBeGreaterThan(3);
    expect((await busEvents()).some((e) => e.type === 'order.rejected' && e.data.intent.symbol === 'NOSUCHSYMBOL' && e.data.rejectedBy === 'broker')).toBe(true);
  });

  it('missing or wrong key → 401; another user’s account or order → 404', async () => {
    expect((await call(url, 'GET', '/v1/orders')).status).toBe(401);
    expect((await call(url, 'POST', '/v1/orders', { key: `${DEMO_KEY}x`, body: limitBuy('AB1234') })).status).toBe(401);
    const mine = await call(url, 'POST', '/v1/orders', { key: DEMO_KEY, body: limitBuy('AB1234') });
    const orderId = mine.body.orderId as string;
    expect((await call(url, 'GET', `/v1/orders/${orderId}`, { key: DEMO2_KEY })).status).toBe(404);
    expect((await call(url, 'PATCH', `/v1/orders/${orderId}`, { key: DEMO2_KEY, body: { price: 700 } })).status).toBe(404);
    expect((await call(url, 'DELETE', `/v1/orders/${orderId}`, { key: DEMO2_KEY })).status).toBe(404);
    expect((await call(url, 'POST', '/v1/orders', { key: DEMO2_KEY, body: limitBuy('AB1234') })).status).toBe(404);
    expect((await call(url, 'GET', '/v1/orders?accountId=AB1234', { key: DEMO2_KEY })).status).toBe(404);
    expect((await call(url, 'GET', `/v1/orders/${orderId}`, { key: DEMO_KEY })).status).toBe(200);
  });

  it('session tokens issued for an API key authenticate like the key', async () => {
    const session = await call<{ token: string }>(url, 'POST', '/v1/sessions', { key: DEMO2_KEY });
    expect(session.status).toBe(201);
    expect((await call(url, 'GET', '/v1/positions', { key: session.body.token })).status).toBe(200);
    expect((await call(url, 'POST', '/v1/sessions', { key: session.body.token.slice(0, -1) })).status).toBe(401);
  });

  it('rate limit: beyond 10 order commands per second on an account → 429 with Retry-After, before the broker refuses', async () => {
    const replies = await Promise.all(Array.from({ length: 25 }, () => call(url, 'POST', '/v1/orders', { key: DEMO2_KEY, body: limitBuy('CD5678') })));
    const limited = replies.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(5);
    for (const r of limited) expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(replies.filter((r) => r.status === 201).length).toBeGreaterThanOrEqual(10);
    expect(replies.every((r) => r.status === 201 || r.status === 429)).toBe(true);
    expect(limited.some((r) => !('broker' in r.body))).toBe(true);
  });

  describe('an ambiguous broker timeout', () => {
    let proxy: Awaited<ReturnType<typeof startDelayProxy>>;
    let slowApp: INestApplication;
    let slowUrl: string;
    let delayNext = 0;

    beforeAll(async () => {
      proxy = await startDelayProxy(sim.kiteUrl, (method, path) => {
        if (method !== 'POST' || !path.startsWith('/orders/')) return 0;
        const delay = delayNext;
        delayNext = 0;
        return delay;
      });
      ({ app: slowApp, url: slowUrl } = await startOrderApi({
        REDIS_URL: await testRedisUrl(),
        FILLWIRE_PREFIX: prefix,
        KITE_ROOT_URL: proxy.url,
        XTS_BASE_URL: sim.xtsUrl,
        ORDER_BROKER_TIMEOUT: '400ms',
      }));
    });
    afterAll(async () => {
      await slowApp?.close();
      await proxy?.close();
    });

    it('the order was placed but the answer came too late: found by its tag, never placed twice', async () => {
      const key = `slow-${prefix}`;
      delayNext = 1500;
      const first = await call(slowUrl, 'POST', '/v1/orders', { key: DEMO_KEY, body: limitBuy('AB1234', { quantity: 7 }), headers: { 'Idempotency-Key': key } });
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({ recovered: true });
      const retry = await call(slowUrl, 'POST', '/v1/orders', { key: DEMO_KEY, body: limitBuy('AB1234', { quantity: 7 }), headers: { 'Idempotency-Key': key } });
      expect(retry.body).toEqual(first.body);
      const tagged = (await simOrders('AB1234')).filter((o) => o.tag === first.body.clientTag);
      expect(tagged.map((o) => o.orderId)).toEqual([first.body.orderId]);
    });
  });
});
