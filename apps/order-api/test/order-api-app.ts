import type { INestApplication } from '@nestjs/common';
import { loadConfig } from '@fillwire/config';
import { createServiceApp } from '@fillwire/observability';
import { freePort } from '@fillwire/testing';
import { AppModule } from '../src/app.module';
import { OrderApiConfigSchema } from '../src/config/order-api-config.schema';

export const DEMO_KEY = 'demo-key-for-tests-0123456789';
export const DEMO2_KEY = 'demo2-key-for-tests-0123456789';

/** order-api booted in this process on a free port, against the given simulator and Redis. */
export async function startOrderApi(env: Record<string, string>): Promise<{ app: INestApplication; url: string }> {
  const port = await freePort();
  const config = loadConfig('order-api', OrderApiConfigSchema, {
    PORT: String(port),
    LOG_LEVEL: 'error',
    FILLWIRE_DEMO_API_KEY: DEMO_KEY,
    FILLWIRE_DEMO2_API_KEY: DEMO2_KEY,
    ...env,
  });
  const app = await createServiceApp(AppModule, 'order-api', config);
  app.enableShutdownHooks();
  await app.listen(port, '127.0.0.1');
  return { app, url: `http://127.0.0.1:${port}` };
}

export interface HttpReply<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

/** A JSON request; the body of every reply is parsed. */
export async function call<T = Record<string, unknown>>(
  url: string,
  method: string,
  path: string,
  options: { key?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<HttpReply<T>> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: {
      'Content-Type': 'application/json',
      ...(options.key ? { Authorization: `Bearer ${options.key}` } : {}),
      ...options.headers,
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : null) as T };
}
