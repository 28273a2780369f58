import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { loadConfig } from '@fillwire/config';
import { EventPublisher } from '@fillwire/event-bus';
import { createEnvelope, sampleOrder, type CanonicalOrder, type EventEnvelope } from '@fillwire/events';
import { IdentityRepository, IdentityService } from '@fillwire/identity';
import { createServiceApp } from '@fillwire/observability';
import Redis from 'ioredis';
import WebSocket from 'ws';
import { AppModule } from '../src/app.module';
import { NotifierConfigSchema } from '../src/config/notifier-config.schema';
import { configureNotifierApp } from '../src/configure-app';

export interface NotifierHandle {
  app: INestApplication;
  port: number;
  wsUrl: string;
  close(): Promise<void>;
}

/** Boots notifier in this process on a free port, with the env given (REDIS_URL/prefix required). */
export async function startNotifier(env: Record<string, string>): Promise<NotifierHandle> {
  const config = loadConfig('notifier', NotifierConfigSchema, { LOG_LEVEL: 'warn', PORT: '3001', ...env });
  const app = await createServiceApp(AppModule, 'notifier', config);
  configureNotifierApp(app);
  app.enableShutdownHooks();
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer() as { address(): AddressInfo }).address().port;
  return { app, port, wsUrl: `ws://127.0.0.1:${port}/ws`, close: () => app.close() };
}

/** Users demo (AB1234, JN0001) and demo2 (CD5678) with one API key each. */
export async function seedUsers(
  url: string,
  prefix: string,
): Promise<{ demo: string; demo2: string; identity: IdentityService; redis: Redis }> {
  const redis = new Redis(url);
  const identity = new IdentityService(new IdentityRepository(redis, prefix), { authCacheMs: 0 });
  await identity.addUser({ id: 'demo' });
  await identity.addUser({ id: 'demo2' });
  await identity.linkAccount('demo', 'zerodha', 'AB1234');
  await identity.linkAccount('demo', 'jainam', 'JN0001');
  await identity.linkAccount('demo2', 'zerodha', 'CD5678');
  const demo = (await identity.issueKey('demo')).apiKey;
  const demo2 = (await identity.issueKey('demo2')).apiKey;
  return { demo, demo2, identity, redis };
}

let orderSeq = 0;

/** An order.updated envelope for one account, with a unique order id and fill so ids never collide. */
export function orderUpdate(accountId: string, overrides: Partial<CanonicalOrder> = {}): EventEnvelope {
  orderSeq++;
  const broker = accountId.startsWith('JN') ? 'jainam' : 'zerodha';
  return createEnvelope(
    'order.updated',
    { order: sampleOrder({ broker, accountId, brokerOrderId: `T${Date.now()}${orderSeq}`, ...overrides }) },
    { source: 'test', channel: 'postback' },
  );
}

export function notification(accountId: string, message: string): EventEnvelope {
  return createEnvelope(
    'order.notification',
    { kind: 'alert', level: 'info', message, accountId },
    { source: 'test', accountId },
  );
}

export function publisher(url: string, prefix: string): EventPublisher {
  return new EventPublisher({ url, prefix });
}

export interface Frame {
  event: string;
  id: string | null;
  ts: number;
  type?: string;
  eventId?: string;
  accountId?: string;
  data: Record<string, unknown>;
}

/** A `ws` client that keeps every frame and lets a test wait for frames or the close. */
export class TestClient {
  readonly frames: Frame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly waiters = new Set<() => void>();

  constructor(readonly ws: WebSocket) {
    ws.on('message', (raw: Buffer) => {
      this.frames.push(JSON.parse(raw.toString('utf8')) as Frame);
      for (const w of this.waiters) w();
    });
    this.closed = new Promise((resolve) =>
      ws.on('close', (code: number, reason: Buffer) => {
        resolve({ code, reason: reason.toString() });
        for (const w of this.waiters) w();
      }),
    );
  }

  static async open(url: string): Promise<TestClient> {
    const ws = new WebSocket(url);
    const client = new TestClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  send(message: object): void {
    this.ws.send(JSON.stringify(message));
  }

  data(): Frame[] {
    return this.frames.filter((f) => typeof f.id === 'string' && f.event !== 'resync');
  }

  /** Resolves with the first frame matching, waiting for it if needed. */
  async waitFrame(match: (f: Frame) => boolean, timeoutMs = 5000): Promise<Frame> {
    return this.until(() => this.frames.find(match), timeoutMs, 'frame');
  }

  /** Resolves once `n` data frames have arrived. */
  async waitData(n: number, timeoutMs = 5000): Promise<Frame[]> {
    await this.until(() => (this.data().length >= n ? true : undefined), timeoutMs, `${n} data frames`);
    return this.data();
  }

  /** Authenticates by first message and subscribes; resolves when the subscription is confirmed. */
  async login(apikey: string, subscribe: object = {}): Promise<void> {
    this.send({ action: 'authenticate', apikey });
    await this.waitFrame((f) => f.event === 'authenticated');
    this.send({
      action: 'subscribe',
      channels: ['orders', 'trades', 'positions', 'notifications'],
      ...subscribe,
    });
    await this.waitFrame((f) => f.event === 'subscribed');
  }

  close(): void {
    this.ws.close();
  }

  private until<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const done = (): void => {
        const value = check();
        if (value === undefined) return;
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve(value);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(done);
        reject(
          new Error(
            `timed out after ${timeoutMs} ms waiting for ${what}; got ${JSON.stringify(this.frames.slice(-3))}`,
          ),
        );
      }, timeoutMs);
      this.waiters.add(done);
      done();
    });
  }
}
