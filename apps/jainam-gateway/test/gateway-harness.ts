import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { loadConfig } from '@fillwire/config';
import { parseEnvelope, type TypedEnvelope } from '@fillwire/events';
import { createServiceApp } from '@fillwire/observability';
import { testPrefix, testRedisUrl, waitFor } from '@fillwire/testing';
import Redis from 'ioredis';
import { AppModule } from '../src/app.module';
import { JainamGatewayConfigSchema } from '../src/config/jainam-gateway-config.schema';
import { JainamGatewayService } from '../src/ingest/jainam-gateway.service';

export interface GatewayHarness {
  app: INestApplication;
  url: string;
  prefix: string;
  gateway: JainamGatewayService;
  /** Every envelope on `<prefix>:events`, oldest first. */
  events(): Promise<TypedEnvelope[]>;
  waitForEvents(
    match: (all: TypedEnvelope[]) => boolean,
    what: string,
    timeoutMs?: number,
  ): Promise<TypedEnvelope[]>;
  ready(): Promise<{
    status: number;
    body: { status: string; checks: Record<string, { ok: boolean; error?: string }> };
  }>;
  metrics(): Promise<string>;
  close(): Promise<void>;
}

/** jainam-gateway in this process (real HTTP server, real Redis, the simulator over HTTP/socket.io). */
export async function startGateway(env: Record<string, string>): Promise<GatewayHarness> {
  const redisUrl = await testRedisUrl();
  const prefix = testPrefix('jg');
  const config = loadConfig('jainam-gateway', JainamGatewayConfigSchema, {
    REDIS_URL: redisUrl,
    FILLWIRE_PREFIX: prefix,
    LOG_LEVEL: 'warn',
    PORT: '3003',
    ...env,
  });
  const app = await createServiceApp(AppModule, 'jainam-gateway', config);
  app.enableShutdownHooks();
  await app.listen(0, '127.0.0.1');
  const address = (app.getHttpServer() as Server).address() as AddressInfo;
  const url = `http://127.0.0.1:${address.port}`;
  const redis = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 2 });
  const events = async (): Promise<TypedEnvelope[]> => {
    const entries = await redis.xrange(`${prefix}:events`, '-', '+');
    return entries.map(([, fields]) => parseEnvelope(fields[fields.indexOf('envelope') + 1]));
  };
  return {
    app,
    url,
    prefix,
    gateway: app.get(JainamGatewayService),
    events,
    waitForEvents: async (match, what, timeoutMs = 15_000) => {
      let last: TypedEnvelope[] = [];
      try {
        return await waitFor(
          async () => {
            last = await events();
            return match(last) ? last : undefined;
          },
          { timeoutMs, intervalMs: 50, what },
        );
      } catch (error) {
        const summary = last.map(
          (e) =>
            `${e.type}:${e.channel ?? ''}:${e.type === 'order.updated' ? e.data.order.status : e.type.startsWith('broker.') ? (e.data as { state: string }).state : ''}`,
        );
        throw new Error(
          `${error instanceof Error ? error.message : String(error)}; log: ${summary.join(', ')}`,
        );
      }
    },
    ready: async () => {
      const res = await fetch(`${url}/ready`);
      return {
        status: res.status,
        body: (await res.json()) as {
          status: string;
          checks: Record<string, { ok: boolean; error?: string }>;
        },
      };
    },
    metrics: async () => (await fetch(`${url}/metrics`)).text(),
    close: async () => {
      await app.close();
      redis.disconnect();
    },
  };
}
