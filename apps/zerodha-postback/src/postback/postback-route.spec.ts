import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import type { HttpAdapterHost } from '@nestjs/core';
import express from 'express';
import { installPostbackRoute, POSTBACK_BODY_LIMIT, type PostbackRouteHandlers } from './postback-route';
import type { PostbackReply } from './postback.schema';

/** The route on a bare Express app (what Nest's ExpressAdapter wraps), on a loopback port. */
async function serve(receive: PostbackRouteHandlers['receive']) {
  const app = express();
  const calls = {
    answered: [] as number[],
    rejected: [] as string[],
    failed: [] as unknown[],
    bodies: [] as string[],
  };
  installPostbackRoute(
    {
      httpAdapter: { use: (...args: unknown[]) => app.use(...(args as [string])) },
    } as unknown as HttpAdapterHost,
    {
      receive: (raw, receivedAt) => {
        calls.bodies.push(raw.toString('utf8'));
        expect(receivedAt).toBeGreaterThan(1.7e12);
        return receive(raw, receivedAt);
      },
      answered: (status) => calls.answered.push(status),
      rejected: (reason) => calls.rejected.push(reason),
      failed: (error) => calls.failed.push(error),
    },
  );
  app.use((_req, res) => res.status(404).json({ fallthrough: true }));
  const server: Server = createServer(app);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, calls, close: () => new Promise<void>((done) => server.close(() => done())) };
}

const ok: PostbackReply = { httpStatus: 200, body: { status: 'ok', id: 'e1' } };

describe('installPostbackRoute', () => {
  it('hands the raw bytes to the service and writes its reply as JSON, counting the answer', async () => {
    const s = await serve(() => Promise.resolve(ok));
    try {
      const res = await fetch(`${s.base}/zerodha/postback`, { method: 'POST', body: '{"a": 1}' });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await res.json()).toEqual(ok.body);
      expect(s.calls.bodies).toEqual(['{"a": 1}']);
      expect(s.calls.answered).toEqual([200]);
    } finally {
      await s.close();
    }
  });

  it('answers 413 before the service sees a body over the limit', async () => {
    const s = await serve(() => Promise.resolve(ok));
    try {
      const res = await fetch(`${s.base}/zerodha/postback`, {
        method: 'POST',
        body: 'x'.repeat(POSTBACK_BODY_LIMIT + 1),
      });
      expect(res.status).toBe(413);
      expect(s.calls).toMatchObject({ bodies: [], rejected: ['too-large'], answered: [413] });
    } finally {
      await s.close();
    }
  });

  it('counts a streamed body (no content-length) against the limit too', async () => {
    const s = await serve(() => Promise.resolve(ok));
    try {
      const chunk = new Uint8Array(16 * 1024).fill(120);
      let left = 5;
      const body = new ReadableStream<Uint8Array>({
        pull: (controller) => (left-- > 0 ? controller.enqueue(chunk) : controller.close()),
      });
      const init = { method: 'POST', body, duplex: 'half' } as RequestInit;
      expect((await fetch(`${s.base}/zerodha/postback`, init)).status).toBe(413);
      expect(s.calls).toMatchObject({ bodies: [], rejected: ['too-large'] });
    } finally {
      await s.close();
    }
  });

  it('inflates a compressed body before handing it over', async () => {
    const s = await serve(() => Promise.resolve(ok));
    try {
      const res = await fetch(`${s.base}/zerodha/postback`, {
        method: 'POST',
        headers: { 'content-encoding': 'gzip' },
        body: gzipSync('{"order_id":"1"}'),
      });
      expect(res.status).toBe(200);
      expect(s.calls.bodies).toEqual(['{"order_id":"1"}']);
    } finally {
      await s.close();
    }
  });

  it('answers 500 and reports the error when the service fails unexpectedly', async () => {
    const boom = new Error('boom');
    const s = await serve(() => Promise.reject(boom));
    try {
      const res = await fetch(`${s.base}/zerodha/postback`, { method: 'POST', body: '{}' });
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({ status: 'error', message: 'internal error' });
      expect(s.calls.failed).toEqual([boom]);
    } finally {
      await s.close();
    }
  });

  it('leaves other methods and paths to the rest of the app', async () => {
    const s = await serve(() => Promise.resolve(ok));
    try {
      expect((await fetch(`${s.base}/zerodha/postback`)).status).toBe(404);
      expect((await fetch(`${s.base}/zerodha/postback/x`, { method: 'POST', body: '{}' })).status).toBe(404);
      expect(s.calls.bodies).toEqual([]);
    } finally {
      await s.close();
    }
  });
});
