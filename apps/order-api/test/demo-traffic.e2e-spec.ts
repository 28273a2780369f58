import type { INestApplication } from '@nestjs/common';
import {
  startBrokerSimProcess,
  testPrefix,
  testRedisUrl,
  waitFor,
  type BrokerSimProcess,
} from '@fillwire/testing';
import Redis from 'ioredis';
import { startOrderApi } from './order-api-app';

jest.setTimeout(90_000);

interface SimOrder {
  orderId: string;
  userId: string;
  state: string;
  orderType: string;
  filledQuantity: number;
  modified: boolean;
  tag: string | null;
}

interface PlacedEnvelope {
  type: string;
  userId?: string;
  data: {
    idempotencyKey: string | null;
    order: { brokerOrderId: string; accountId: string; status: string };
  };
}

/** order-api with FILLWIRE_DEMO_TRAFFIC=1 against the broker simulator (child process) and the run's Redis. */
describe('order-api demo traffic', () => {
  let sim: BrokerSimProcess;
  let redis: Redis;
  let prefix: string;
  let app: INestApplication;

  const simOrders = async () => (await sim.admin<{ orders: SimOrder[] }>('/_sim/orders')).orders;
  const placedEvents = async () =>
    (await redis.xrange(`${prefix}:events`, '-', '+'))
      .map(([, fields]) => JSON.parse(fields[1]) as PlacedEnvelope)
      .filter((e) => e.type === 'order.placed');

  beforeAll(async () => {
    sim = await startBrokerSimProcess({ SIM_XTS_RATE_LIMIT: '0' });
    const redisUrl = await testRedisUrl();
    redis = new Redis(redisUrl);
    prefix = testPrefix('demo-traffic');
    ({ app } = await startOrderApi({
      REDIS_URL: redisUrl,
      FILLWIRE_PREFIX: prefix,
      KITE_ROOT_URL: sim.kiteUrl,
      XTS_BASE_URL: sim.xtsUrl,
      FILLWIRE_DEMO_TRAFFIC: '1',
      FILLWIRE_DEMO_TRAFFIC_INTERVAL_MS: '60',
    }));
  });

  afterAll(async () => {
    await app?.close();
    await redis?.quit();
    await sim?.stop();
  });

  it('places, fills, modifies and cancels sample orders for every demo account, with order.placed on the bus', async () => {
    const seen = await waitFor(
      async () => {
        const orders = await simOrders();
        const users = new Set(orders.map((o) => o.userId));
        const ready =
          ['AB1234', 'CD5678', 'JN0001'].every((u) => users.has(u)) &&
          orders.some((o) => o.orderType === 'MARKET' && o.state === 'complete' && o.filledQuantity > 0) &&
          orders.some((o) => o.orderType === 'LIMIT' && o.state === 'cancelled') &&
          orders.some((o) => o.modified);
        return ready ? orders : null;
      },
      {
        timeoutMs: 60_000,
        intervalMs: 250,
        what: 'demo orders at the simulator on every account, a fill, a modify and a cancel',
      },
    );

    // Every simulator order came through OrdersService: an order.placed with a demo idempotency key.
    const events = await waitFor(
      async () => {
        const placed = await placedEvents();
        const ids = new Set(placed.map((e) => e.data.order.brokerOrderId));
        return seen.every((o) => ids.has(o.orderId)) ? placed : null;
      },
      { what: 'order.placed for every simulator order' },
    );
    for (const event of events) {
      expect(event.data.idempotencyKey).toMatch(/^demo-[0-9a-f]{8}-\d+$/);
      expect(event.data.order.status).toBe('PENDING');
      expect(['demo', 'demo2']).toContain(event.userId);
    }
    expect(new Set(events.map((e) => e.data.order.accountId))).toEqual(
      new Set(['AB1234', 'CD5678', 'JN0001']),
    );
    // The broker tag is derived from the idempotency key, so every Kite order carries one.
    expect(seen.filter((o) => o.userId !== 'JN0001').every((o) => o.tag !== null)).toBe(true);
  });
});
