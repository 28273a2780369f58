import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EventPublisher } from '@fillwire/event-bus';
import { MetricsService } from '@fillwire/observability';
import { testPrefix, testRedisUrl, waitFor } from '@fillwire/testing';
import { Queue } from 'bullmq';
import type Redis from 'ioredis';
import { SINK_QUEUES } from '../src/sinks/sink-jobs';
import { webhookSignature } from '../src/sinks/sink-delivery.processor';
import { KcatMock } from './kcat-mock';
import {
  notification,
  orderUpdate,
  publisher,
  seedUsers,
  startNotifier,
  type NotifierHandle,
} from './notifier-harness';

/** A local HTTP endpoint that records requests and answers with the statuses it is told. */
class FakeEndpoint {
  readonly requests: Array<{ path: string; headers: IncomingMessage['headers']; body: string }> = [];
  statuses: number[] = [];
  private server!: Server;
  url = '';

  async start(reply: (path: string) => string = () => '{"ok":true}'): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        this.requests.push({ path: req.url ?? '', headers: req.headers, body });
        res
          .writeHead(this.statuses.shift() ?? 200, { 'content-type': 'application/json' })
          .end(reply(req.url ?? ''));
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

describe('notifier sinks', () => {
  let url: string;
  let prefix: string;
  let keys: { demo: string; demo2: string };
  let redis: Redis;
  let bus: EventPublisher;
  let notifier: NotifierHandle | undefined;

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
    await notifier?.close();
    notifier = undefined;
    await bus.close();
    redis.disconnect();
  });

  const boot = async (env: Record<string, string>): Promise<NotifierHandle> => {
    notifier = await startNotifier({
      REDIS_URL: url,
      FILLWIRE_PREFIX: prefix,
      SINK_RETRY_DELAY: '50ms',
      ...env,
    });
    return notifier;
  };

  describe('Kafka (librdkafka mock cluster in kcat)', () => {
    let kafka: KcatMock;
    const topic = 'fillwire.order-events';

    beforeEach(async () => {
      kafka = await KcatMock.start(topic);
    });
    afterEach(async () => {
      await kafka.stop();
    });

    it('exports the ESB envelope keyed by user id, and loses nothing while the broker is away', async () => {
      await boot({ ORDER_EVENT_MODE: 'both', KAFKA_BROKERS: kafka.bootstrap, KAFKA_TIMEOUT: '500ms' });
      const update = orderUpdate('CD5678');
      const note = notification('AB1234', 'BUY 10 SBIN filled at 812.30');
      await bus.publishMany([update, note]);
      const lines = await kafka.waitFor(2);
      const byKey = Object.fromEntries(
        lines.map((l) => l.split('\t')).map(([k, v]) => [k, JSON.parse(v) as Record<string, unknown>]),
      );
      expect(byKey.demo2).toEqual({
        event_type: 'order_update',
        timestamp: new Date(update.ts).toISOString(),
        user_id: 'demo2',
        source: 'test',
        data: update.data,
        event_id: update.id,
      });
      expect(byKey.demo).toMatchObject({
        event_type: 'order_notification',
        user_id: 'demo',
        data: { message: 'BUY 10 SBIN filled at 812.30' },
      });

      kafka.pause();
      const during = Array.from({ length: 6 }, (_, i) =>
        notification(i % 2 ? 'AB1234' : 'CD5678', `during outage ${i}`),
      );
      await bus.publishMany(during);
      const metrics = notifier!.app.get(MetricsService);
      await waitFor(
        async () => /fillwire_notifier_sink_lag_jobs\{sink="kafka"[^}]*\} [1-9]/.test(await metrics.render()),
        {
          what: 'kafka lag to show',
        },
      );
      kafka.resume();
      const all = await kafka.waitFor(8, 30_000);
      const seen = all.map((l) => (JSON.parse(l.split('\t')[1]) as { event_id: string }).event_id);
      for (const e of during) expect(seen).toContain(e.id);
      expect(new Set(seen).size).toBe(seen.length);
    }, 60_000);
  });

  it('signs webhook bodies with the user’s secret and retries until the endpoint accepts', async () => {
    const hook = new FakeEndpoint();
    await hook.start();
    try {
      const n = await boot({});
      const secret = 'demo-webhook-secret-123';
      const put = await fetch(`http://127.0.0.1:${n.port}/v1/notifier/sinks`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${keys.demo}`, 'content-type': 'application/json' },
        body: JSON.stringify({ webhook: { url: `${hook.url}/hook`, secret } }),
      });
      expect(put.status).toBe(200);
      expect(await put.json()).toEqual({
        webhook: { url: `${hook.url}/hook`, events: ['order_notification'], secret: '(set)' },
        telegram: null,
      });
      const anonymous = await fetch(`http://127.0.0.1:${n.port}/v1/notifier/sinks`);
      expect(anonymous.status).toBe(401);

      hook.statuses = [500, 503];
      const note = notification('JN0001', 'SELL 1 NIFTY rejected');
      await bus.publishMany([orderUpdate('AB1234'), notification('CD5678', 'not demo'), note]);
      await waitFor(() => hook.requests.length >= 3, { what: 'three webhook attempts' });
      const [first, , last] = hook.requests;
      expect(last.body).toBe(first.body);
      expect(last.headers['x-fillwire-signature']).toBe(webhookSignature(secret, last.body));
      expect(JSON.parse(last.body)).toMatchObject({
        event_type: 'order_notification',
        user_id: 'demo',
        event_id: note.id,
      });
      expect(hook.requests.every((r) => r.path === '/hook')).toBe(true);
    } finally {
      await hook.stop();
    }
  });

  it('keeps a delivery that never succeeds as a failed job (dead letter)', async () => {
    const hook = new FakeEndpoint();
    await hook.start();
    try {
      const n = await boot({ SINK_RETRY_ATTEMPTS: '2' });
      await fetch(`http://127.0.0.1:${n.port}/v1/notifier/sinks`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${keys.demo2}`, 'content-type': 'application/json' },
        body: JSON.stringify({ webhook: { url: `${hook.url}/down`, secret: 'another-secret-4567' } }),
      });
      hook.statuses = [500, 500, 500];
      const note = notification('CD5678', 'never delivered');
      await bus.publish(note);
      const queue = new Queue(SINK_QUEUES.webhook, { connection: { url }, prefix });
      try {
        const failed = await waitFor(
          async () => (await queue.getFailed()).find((j) => j.id?.includes(note.id)),
          { what: 'a failed job' },
        );
        expect(failed.attemptsMade).toBe(2);
        expect(failed.failedReason).toMatch(/HTTP 500/);
      } finally {
        await queue.close();
      }
    } finally {
      await hook.stop();
    }
  });

  it('sends notifications to the user’s Telegram chat through the configured bot API', async () => {
    const bot = new FakeEndpoint();
    await bot.start(() => '{"ok":true,"result":{}}');
    try {
      const n = await boot({ TELEGRAM_API_URL: bot.url, TELEGRAM_BOT_TOKEN: '123:abc' });
      await fetch(`http://127.0.0.1:${n.port}/v1/notifier/sinks`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${keys.demo}`, 'content-type': 'application/json' },
        body: JSON.stringify({ telegram: { chatId: 4242 } }),
      });
      await bus.publishMany([orderUpdate('AB1234'), notification('AB1234', 'BUY 10 SBIN filled at 812.30')]);
      await waitFor(() => bot.requests.length === 1, { what: 'a Telegram message' });
      expect(bot.requests[0].path).toBe('/bot123:abc/sendMessage');
      expect(JSON.parse(bot.requests[0].body)).toEqual({
        chat_id: '4242',
        text: 'ℹ️ BUY 10 SBIN filled at 812.30 (AB1234)',
      });
    } finally {
      await bot.stop();
    }
  });
});
