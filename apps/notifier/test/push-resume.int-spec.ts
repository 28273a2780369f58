import { busKeys, type EventPublisher } from '@fillwire/event-bus';
import { createEnvelope, sampleOrder, type EventEnvelope } from '@fillwire/events';
import { PortfolioWriteRepository, type StateEnvelope } from '@fillwire/portfolio-state';
import { testPrefix, testRedisUrl } from '@fillwire/testing';
import type Redis from 'ioredis';
import {
  orderUpdate,
  publisher,
  seedUsers,
  startNotifier,
  TestClient,
  type NotifierHandle,
} from './notifier-harness';

describe('notifier WebSocket: resume from lastEventId', () => {
  let url: string;
  let prefix: string;
  let notifier: NotifierHandle;
  let key: string;
  let redis: Redis;
  let bus: EventPublisher;
  const clients: TestClient[] = [];

  const open = async (query = ''): Promise<TestClient> => {
    const c = await TestClient.open(`${notifier.wsUrl}${query}`);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    url = await testRedisUrl();
  });

  beforeEach(async () => {
    prefix = testPrefix();
    const seeded = await seedUsers(url, prefix);
    key = seeded.demo;
    redis = seeded.redis;
    bus = publisher(url, prefix);
    notifier = await startNotifier({ REDIS_URL: url, FILLWIRE_PREFIX: prefix });
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) c.ws.terminate();
    await notifier.close();
    await bus.close();
    redis.disconnect();
  });

  it('replays every missed event in order without duplicates across a forced disconnect, then goes live', async () => {
    const first = await open();
    await first.login(key);
    const before = [
      orderUpdate('AB1234'),
      orderUpdate('JN0001'),
      orderUpdate('CD5678'),
      orderUpdate('AB1234'),
    ];
    await bus.publishMany(before);
    const seen = await first.waitData(3);
    const lastEventId = seen[2].id as string;
    first.ws.terminate();
    await first.closed;

    const missed = [orderUpdate('AB1234'), orderUpdate('CD5678'), orderUpdate('JN0001')];
    await bus.publishMany(missed);
    // Keep publishing while the client reconnects, so the catch-up read and the live tail overlap.
    const during: EventEnvelope[] = [];
    const publishing = (async () => {
      for (let i = 0; i < 40; i++) {
        const e = orderUpdate(i % 2 ? 'AB1234' : 'JN0001');
        during.push(e);
        await bus.publish(e);
      }
    })();
    const again = await open(`?token=${key}&lastEventId=${lastEventId}`);
    again.send({ action: 'subscribe', channels: ['orders'] });
    await publishing;
    const expected = [...missed, ...during].filter((e) => e.accountId !== 'CD5678').map((e) => e.id);
    const frames = await again.waitData(expected.length);
    // Let any straggler (a duplicate would come right behind) arrive before comparing.
    await bus.publish(orderUpdate('AB1234'));
    await again.waitData(expected.length + 1);
    const got = again.data().slice(0, -1);
    expect(got.map((f) => f.eventId)).toEqual(expected);
    const ids = frames.map((f) => f.id as string);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('takes lastEventId in the subscribe message too', async () => {
    const a = orderUpdate('AB1234');
    const b = orderUpdate('AB1234');
    const [ra] = await bus.publishMany([a, b]);
    const c = await open();
    await c.login(key, { lastEventId: ra.entryId });
    const [frame] = await c.waitData(1);
    expect(frame.eventId).toBe(b.id);
  });

  it('sends a resync snapshot of orders and positions from the portfolio state when lastEventId is older than the log keeps', async () => {
    const order = sampleOrder({ accountId: 'AB1234', brokerOrderId: `R${Date.now()}` });
    const old = orderUpdate('AB1234');
    const open1 = createEnvelope('order.updated', { order }, { source: 'test' });
    const filled = createEnvelope(
      'order.updated',
      {
        order: {
          ...order,
          status: 'FILLED',
          brokerStatus: 'COMPLETE',
          filledQuantity: 10,
          pendingQuantity: 0,
          averagePrice: 812.3,
        },
      },
      { source: 'test' },
    );
    const foreign = orderUpdate('CD5678');
    const results = await bus.publishMany([old, filled, open1, foreign]);
    await redis.xtrim(busKeys(prefix).events, 'MAXLEN', 3);
    // What portfolio-manager does with these events (its merge: the late OPEN never hides FILLED).
    const state = new PortfolioWriteRepository(redis, { prefix });
    for (const e of [filled, open1, foreign]) await state.applyEnvelope(e as StateEnvelope, null);

    const c = await open(`?token=${key}&lastEventId=${results[0].entryId}`);
    c.send({ action: 'subscribe' });
    const resync = await c.waitFrame((f) => f.event === 'resync');
    expect(resync.id).toBe(results[3].entryId);
    expect(resync.data.reason).toMatch(/older than the log keeps/);
    expect(resync.data.source).toBe('portfolio-state');
    const orders = resync.data.orders as Array<{ brokerOrderId: string; status: string }>;
    expect(orders).toEqual([
      expect.objectContaining({ brokerOrderId: order.brokerOrderId, status: 'FILLED' }),
    ]);
    expect(resync.data.positions).toEqual([
      expect.objectContaining({ accountId: 'AB1234', symbol: order.symbol, netQuantity: 10 }),
    ]);

    const next = orderUpdate('AB1234');
    await bus.publish(next);
    const [live] = await c.waitData(1);
    expect(live.eventId).toBe(next.id);
  });
});
