import type { INestApplication } from '@nestjs/common';
import { FeatureFlagsReader } from '@fillwire/identity';
import { startBrokerSimProcess, testPrefix, testRedisUrl, waitFor, type BrokerSimProcess } from '@fillwire/testing';
import Redis from 'ioredis';
import { call, DEMO2_KEY, DEMO_KEY, startOrderApi } from './order-api-app';

interface SimOrder {
  orderId: string;
  state: string;
  price: number;
  tag: string | null;
}

describe('order-api OpenAlgo API and rollout flags', () => {
  let sim: BrokerSimProcess;
  let redis: Redis;
  let prefix: string;
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    sim = await startBrokerSimProcess({ SIM_XTS_RATE_LIMIT: '0' });
    const redisUrl = await testRedisUrl();
    redis = new Redis(redisUrl);
    prefix = testPrefix('order-api-oa');
    ({ app, url } = await startOrderApi({
      REDIS_URL: redisUrl,
      FILLWIRE_PREFIX: prefix,
      KITE_ROOT_URL: sim.kiteUrl,
      XTS_BASE_URL: sim.xtsUrl,
      EVENT_DRIVEN_ROLLOUT_PERCENT: '0',
    }));
  });
  afterAll(async () => {
    await app?.close();
    await redis?.quit();
    await sim?.stop();
  });

  it('an OpenAlgo-style script (apikey in the JSON body) places, modifies, cancels and reads', async () => {
    const simOrders = async () => (await sim.admin<{ orders: SimOrder[] }>('/_sim/orders?userId=AB1234')).orders;
    const placed = await call(url, 'POST', '/api/v1/placeorder', {
      body: { apikey: DEMO_KEY, strategy: 'Python Strategy', symbol: 'SBIN', action: 'buy', exchange: 'NSE', pricetype: 'LIMIT', price: '795', quantity: '1' },
    });
    expect(placed.status).toBe(200);
    expect(placed.body).toEqual({ status: 'success', orderid: expect.any(String) });
    const orderid = placed.body.orderid as string;
    expect((await simOrders()).find((o) => o.orderId === orderid)).toMatchObject({ price: 795, tag: 'PythonStrategy' });

    const market = await call(url, 'POST', '/api/v1/placeorder', {
      body: { apikey: DEMO_KEY, strategy: 'x', symbol: 'SBIN', action: 'SELL', exchange: 'NSE', quantity: 1 },
    });
    expect(market.body.status).toBe('success');

    const modified = await call(url, 'POST', '/api/v1/modifyorder', {
      body: { apikey: DEMO_KEY, strategy: 'Python Strategy', orderid, symbol: 'SBIN', action: 'BUY', exchange: 'NSE', product: 'MIS', pricetype: 'LIMIT', price: 796, quantity: 1, disclosed_quantity: 0, trigger_price: 0 },
    });
    expect(modified.body).toEqual({ status: 'success', orderid });

    // The broker applies a modify a few ms after acknowledging it: read the status once it has.
    const status = await waitFor(
      async () => {
        const r = await call<{ status: string; data: Record<string, unknown> }>(url, 'POST', '/api/v1/orderstatus', { body: { apikey: DEMO_KEY, strategy: 's', orderid } });
        return r.body.data?.price === 796 ? r : null;
      },
      { what: 'the modified price in orderstatus' },
    ).catch(() => call<{ status: string; data: Record<string, unknown> }>(url, 'POST', '/api/v1/orderstatus', { body: { apikey: DEMO_KEY, strategy: 's', orderid } }));
    expect(status.body).toMatchObject({ status: 'success', data: { orderid, symbol: 'SBIN', action: 'BUY', pricetype: 'LIMIT', product: 'MIS', order_status: 'open', price: 796 } });

    const cancelled = await call(url, 'POST', '/api/v1/cancelorder', { body: { apikey: DEMO_KEY, strategy: 's', orderid } });
    expect(cancelled.body).toEqual({ status: 'success', orderid });

    const book = await call<{ data: { orders: Array<{ orderid: string }>; statistics: Record<string, number> } }>(url, 'POST', '/api/v1/orderbook', { body: { apikey: DEMO_KEY } });
    expect(book.body.data.orders.map((o) => o.orderid)).toContain(orderid);
    expect(book.body.data.statistics.total_buy_orders).toBeGreaterThanOrEqual(1);
    expect((await call(url, 'POST', '/api/v1/tradebook', { body: { apikey: DEMO_KEY } })).body.status).toBe('success');
    expect((await call(url, 'POST', '/api/v1/positionbook', { body: { apikey: DEMO_KEY } })).body.status).toBe('success');
  });

  it('OpenAlgo errors: 400 on validation, 403 on a wrong apikey, always {status: "error", message}', async () => {
    const invalid = await call(url, 'POST', '/api/v1/placeorder', { body: { apikey: DEMO_KEY, symbol: 'SBIN', action: 'HOLD', exchange: 'NSE', quantity: 0 } });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toEqual({ status: 'error', message: expect.stringMatching(/strategy.*action.*quantity|action/) });
    const wrong = await call(url, 'POST', '/api/v1/orderbook', { body: { apikey: 'nope-nope-nope-nope' } });
    expect(wrong).toMatchObject({ status: 403, body: { status: 'error', message: 'Invalid openalgo apikey' } });
  });

  it('flags: rollout 0 % → polled, 100 % → event-driven, per-user overrides and one-call rollback, at runtime', async () => {
    const reader = new FeatureFlagsReader({ redis, prefix, defaults: { useEventDrivenOrders: true, rolloutPercent: 0 } });
    await reader.start();
    try {
      const modeOf = async (key: string) => (await call<{ mode: string }>(url, 'GET', '/v1/me/mode', { key })).body.mode;
      expect(await modeOf(DEMO_KEY)).toBe('polling');
      expect(reader.modeForAccount('AB1234')).toBe('polling');

      expect((await call(url, 'PATCH', '/v1/admin/flags', { key: DEMO2_KEY, body: { rolloutPercent: 100 } })).status).toBe(403);
      expect((await call(url, 'PATCH', '/v1/admin/flags', { body: { rolloutPercent: 100 } })).status).toBe(401);
      expect((await call(url, 'PATCH', '/v1/admin/flags', { key: DEMO_KEY, body: { rolloutPercent: 101 } })).status).toBe(400);

      const changedEvent = new Promise((resolve) => reader.onChange(resolve));
      const raised = await call(url, 'PATCH', '/v1/admin/flags', { key: DEMO_KEY, body: { rolloutPercent: 100, users: { demo2: 'polling' } } });
      expect(raised).toMatchObject({ status: 200, body: { flags: { rolloutPercent: 100, optOut: ['demo2'] } } });
      await changedEvent;
      expect(reader.modeForAccount('AB1234')).toBe('event-driven');
      expect(reader.modeForAccount('CD5678')).toBe('polling');
      expect(await modeOf(DEMO_KEY)).toBe('event-driven');
      expect(await modeOf(DEMO2_KEY)).toBe('polling');

      const rollback = await call(url, 'POST', '/v1/admin/flags/rollback', { key: DEMO_KEY });
      expect(rollback.body).toMatchObject({ flags: { useEventDrivenOrders: false } });
      const started = Date.now();
      await new Promise((resolve) => reader.onChange(resolve));
      expect(Date.now() - started).toBeLessThan(2500);
      expect(reader.modeForAccount('AB1234')).toBe('polling');

      const events = (await redis.xrange(`${prefix}:events`, '-', '+')).map(([, f]) => JSON.parse(f[1]) as { type: string; data: { changed: string[] } });
      expect(events.filter((e) => e.type === 'flags.updated').map((e) => e.data.changed)).toEqual([['rolloutPercent', 'optOut'], ['useEventDrivenOrders']]);
    } finally {
      reader.stop();
    }
  });
});
