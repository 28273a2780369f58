import type { Socket } from 'node:net';
import type { EventPublisher } from '@fillwire/event-bus';
import { MetricsService } from '@fillwire/observability';
import { nextEvent, testPrefix, testRedisUrl, waitFor } from '@fillwire/testing';
import WebSocket from 'ws';
import type Redis from 'ioredis';
import { PushService } from '../src/push/push.service';
import {
  notification,
  orderUpdate,
  publisher,
  seedUsers,
  startNotifier,
  TestClient,
  type NotifierHandle,
} from './notifier-harness';

describe('notifier WebSocket: replicas and slow clients', () => {
  let url: string;
  let prefix: string;
  let keys: { demo: string; demo2: string };
  let redis: Redis;
  let bus: EventPublisher;
  const notifiers: NotifierHandle[] = [];
  const clients: TestClient[] = [];

  const open = async (n: NotifierHandle): Promise<TestClient> => {
    const c = await TestClient.open(n.wsUrl);
    clients.push(c);
    return c;
  };
  const boot = async (env: Record<string, string> = {}): Promise<NotifierHandle> => {
    const n = await startNotifier({ REDIS_URL: url, FILLWIRE_PREFIX: prefix, ...env });
    notifiers.push(n);
    return n;
  };

  beforeAll(async () => {
    url = await testRedisUrl();
  });

  beforeEach(async () => {
    prefix = testPrefix();
    const seeded = await seedUsers(url, prefix);
    keys = seeded;
    redis = seeded.redis;
    bus = publisher(url, prefix);
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) c.ws.terminate();
    for (const n of notifiers.splice(0)) await n.close();
    await bus.close();
    redis.disconnect();
  });

  it('two replicas each deliver every event to their own clients', async () => {
    const [a, b] = [await boot(), await boot()];
    const demoOnA = await open(a);
    const demoOnB = await open(b);
    const demo2OnB = await open(b);
    await demoOnA.login(keys.demo);
    await demoOnB.login(keys.demo);
    await demo2OnB.login(keys.demo2);

    const events = [
      orderUpdate('AB1234'),
      orderUpdate('CD5678'),
      orderUpdate('JN0001'),
      orderUpdate('CD5678'),
    ];
    await bus.publishMany(events);
    const mine = events.filter((e) => e.accountId !== 'CD5678').map((e) => e.id);
    const theirs = events.filter((e) => e.accountId === 'CD5678').map((e) => e.id);
    expect((await demoOnA.waitData(2)).map((f) => f.eventId)).toEqual(mine);
    expect((await demoOnB.waitData(2)).map((f) => f.eventId)).toEqual(mine);
    expect((await demo2OnB.waitData(2)).map((f) => f.eventId)).toEqual(theirs);
    expect(a.app.get(PushService).sessionCount).toBe(1);
    expect(b.app.get(PushService).sessionCount).toBe(2);
  });

  it('drops a client that stops answering pings and keeps one that answers', async () => {
    const n = await boot({ WS_HEARTBEAT_INTERVAL: '150ms' });
    const alive = await open(n);
    await alive.login(keys.demo);
    const mute = new TestClient(new WebSocket(n.wsUrl, { autoPong: false }));
    clients.push(mute);
    await nextEvent(mute.ws, 'open');
    await mute.login(keys.demo2);
    const push = n.app.get(PushService);
    expect(push.sessionCount).toBe(2);
    expect((await mute.closed).code).toBe(1006);
    expect(push.sessionCount).toBe(1);
    await bus.publish(orderUpdate('AB1234'));
    await alive.waitData(1);
  });

  it('closes a client that never reads and keeps delivering to a fast one', async () => {
    const n = await boot({ WS_MAX_BUFFERED_BYTES: '65536' });
    const fast = await open(n);
    const slow = await open(n);
    await fast.login(keys.demo);
    await slow.login(keys.demo);
    // The slow client stops reading its socket: the kernel buffers fill, then the server's queue.
    (slow.ws as unknown as { _socket: Socket })._socket.pause();

    const padding = 'x'.repeat(4096);
    const total = 3000;
    for (let sent = 0; sent < total; sent += 500) {
      await bus.publishMany(
        Array.from({ length: 500 }, (_, i) => notification('AB1234', `${sent + i} ${padding}`)),
      );
    }
    // A liveness bound, not a speed check: 12 MB of frames under a loaded CI run can take a while.
    const frames = await fast.waitData(total, 100_000);
    expect(frames.map((f) => Number(String(f.data.message).split(' ')[0]))).toEqual(
      Array.from({ length: total }, (_, i) => i),
    );

    const push = n.app.get(PushService);
    await waitFor(() => push.sessionCount === 1, { what: 'the slow session to be dropped' });
    const metrics = await n.app.get(MetricsService).render();
    expect(metrics).toMatch(/fillwire_ws_disconnects_total\{reason="slow"[^}]*\} 1/);

    (slow.ws as unknown as { _socket: Socket })._socket.resume();
    const { code } = await slow.closed;
    // 4408 when the close frame got through the full buffer, 1006 when the socket had to be cut.
    expect([4408, 1006]).toContain(code);
    expect(slow.data().length).toBeLessThan(total);
  }, 150_000);
});
