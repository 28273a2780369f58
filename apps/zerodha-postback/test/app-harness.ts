import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { loadConfig } from '@fillwire/config';
import { parseEnvelope, type TypedEnvelope } from '@fillwire/events';
import { createServiceApp } from '@fillwire/observability';
import { testPrefix, testRedisUrl } from '@fillwire/testing';
import Redis from 'ioredis';
import {
  ZerodhaPostbackConfigSchema,
  type ZerodhaPostbackConfig,
} from '../src/config/zerodha-postback-config.schema';

export interface RunningApp {
  app: INestApplication;
  url: string;
  config: ZerodhaPostbackConfig;
  /** Every envelope on `<prefix>:events`, oldest first. */
  events(): Promise<TypedEnvelope[]>;
  redis: Redis;
  close(): Promise<void>;
}

/** Boots `module` as zerodha-postback in this process (real HTTP on a free port, real Redis). */
export async function startApp(
  module: Type | DynamicModule,
  env: Record<string, string> = {},
  port = 0,
): Promise<RunningApp> {
  const config = loadConfig('zerodha-postback', ZerodhaPostbackConfigSchema, {
    REDIS_URL: env.REDIS_URL ?? (await testRedisUrl()),
    FILLWIRE_PREFIX: testPrefix('zp'),
    LOG_LEVEL: 'silent',
    ...env,
  });
  const app = await createServiceApp(module, 'zerodha-postback', config);
  app.enableShutdownHooks();
  await app.listen(port, '127.0.0.1');
  const { port: bound } = (app.getHttpServer() as Server).address() as AddressInfo;
  const redis = new Redis(config.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  return {
    app,
    url: `http://127.0.0.1:${bound}`,
    config,
    redis,
    events: async () => {
      const entries = await redis.xrange(`${config.FILLWIRE_PREFIX}:events`, '-', '+');
      return entries.map(([, fields]) => parseEnvelope(fields[fields.indexOf('envelope') + 1]));
    },
    close: async () => {
      redis.disconnect();
      await app.close();
    },
  };
}

/** POSTs `body` (a string is sent as is) and returns status and JSON reply. */
export async function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = { 'content-type': 'application/json' },
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, {
    method: 'POST',
    headers,
    body: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = { text };
  }
  return { status: res.status, body: json };
}
