import { testPrefix, testRedisUrl } from '@fillwire/testing';
import type { IdentityService } from '@fillwire/identity';
import type Redis from 'ioredis';
import type { EventPublisher } from '@fillwire/event-bus';
import {
  notification,
  orderUpdate,
  publisher,
  seedUsers,
  startNotifier,
  TestClient,
  type NotifierHandle,
} from './notifier-harness';

describe('notifier WebSocket: authentication, isolation, frames', () => {
  let url: string;
  let prefix: string;
  let notifier: NotifierHandle;
  let keys: { demo: string; demo2: string };
  let identity: IdentityService;
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
    keys = seeded;
    identity = seeded.identity;
    redis = seeded.redis;
    bus = publisher(url, prefix);
    notifier = await startNotifier({ REDIS_URL: url, FILLWIRE_PREFIX: prefix, WS_AUTH_TIMEOUT: '300ms' });
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) c.ws.terminate();
    await notifier.close();
    await bus.close();
    redis.disconnect();
  });

  it('closes a socket without credentials with 4401 after the first-message timeout', async () => {
    const c = await open();
    const started = Date.now();
    const { code, reason } = await c.closed;
    expect(code).toBe(4401);
    expect(reason).toMatch(/unauthorized/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('closes a socket with a wrong handshake token at once with 4401', async () => {
    const c = await open('?token=not-a-real-key-0123456789');
    expect((await c.closed).code).toBe(4401);
  });

  it('closes a socket whose first message is not authenticate with 4401', async () => {
    const c = await open();
    c.send({ action: 'subscribe', channels: ['orders'] });
    expect((await c.closed).code).toBe(4401);
  });

  it('accepts an API key in the handshake or in the first message, and a session token', async () => {
    const byQuery = await open(`?token=${keys.demo}`);
    const hello = await byQuery.waitFrame((f) => f.event === 'authenticated');
    expect(hello.data).toEqual({ userId: 'demo', accounts: ['AB1234', 'JN0001'] });

    const byMessage = await open();
    byMessage.send({ action: 'authenticate', apikey: keys.demo2 });
    expect((await byMessage.waitFrame((f) => f.event === 'authenticated')).data).toMatchObject({
      userId: 'demo2',
    });

    const session = await identity.issueSession(keys.demo);
    const bySession = await open(`?token=${session?.token ?? ''}`);
    expect((await bySession.waitFrame((f) => f.event === 'authenticated')).data).toMatchObject({
      userId: 'demo',
    });
  });

  it('delivers each user only the events of their own accounts, as {event, id, ts, data} frames', async () => {
    const demo = await open();
    const demo2 = await open();
    await demo.login(keys.demo);
    await demo2.login(keys.demo2);

    const ab = orderUpdate('AB1234', {
      status: 'FILLED',
      brokerStatus: 'COMPLETE',
      filledQuantity: 10,
      pendingQuantity: 0,
      averagePrice: 812.3,
    });
    const cd = orderUpdate('CD5678');
    const jn = orderUpdate('JN0001');
    const note = notification('CD5678', 'SELL 5 INFY filled at 1500');
    const published = await bus.publishMany([ab, cd, jn, note]);

    const demoFrames = await demo.waitData(2);
    const demo2Frames = await demo2.waitData(2);
    expect(demoFrames.map((f) => f.accountId)).toEqual(['AB1234', 'JN0001']);
    expect(demo2Frames.map((f) => [f.event, f.accountId])).toEqual([
      ['order_update', 'CD5678'],
      ['order_notification', 'CD5678'],
    ]);
    const first = demoFrames[0];
    expect(first).toMatchObject({
      event: 'order_update',
      id: published[0].entryId,
      ts: ab.ts,
      type: 'order.updated',
      eventId: ab.id,
      data: {
        orderid: (ab.data as { order: { brokerOrderId: string } }).order.brokerOrderId,
        order_status: 'complete',
        filled_quantity: 10,
      },
    });

    // Nothing else arrives for either user (a later event for each proves the queue is drained).
    await bus.publishMany([orderUpdate('AB1234'), orderUpdate('CD5678')]);
    await demo.waitData(3);
    await demo2.waitData(3);
    expect(demo.data().every((f) => f.accountId !== 'CD5678')).toBe(true);
    expect(demo2.data().every((f) => f.accountId === 'CD5678')).toBe(true);
  });

  it('narrows to subscribed channels and accounts, and refuses another user’s account', async () => {
    const c = await open();
    c.send({ action: 'authenticate', apikey: keys.demo });
    await c.waitFrame((f) => f.event === 'authenticated');
    c.send({ action: 'subscribe', channels: ['orders'], accounts: ['CD5678'] });
    expect((await c.waitFrame((f) => f.event === 'error')).data.message).toMatch(/not your account: CD5678/);
    c.send({ action: 'subscribe', channels: ['notifications'], accounts: ['JN0001'] });
    await c.waitFrame((f) => f.event === 'subscribed');
    await bus.publishMany([
      notification('AB1234', 'not this account'),
      orderUpdate('JN0001'),
      notification('JN0001', 'this one'),
    ]);
    const [frame] = await c.waitData(1);
    expect(frame.data.message).toBe('this one');
    c.send({ action: 'bogus' });
    expect(
      (await c.waitFrame((f) => f.event === 'error' && String(f.data.message).includes('action'))).event,
    ).toBe('error');
  });
});
