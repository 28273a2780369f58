import { kitePostbackChecksum } from '@fillwire/broker-adapters';
import { startRedisServer } from '@fillwire/testing';
import { PostbackModule } from '../src/postback/postback.module';
import { post, startApp, type RunningApp } from './app-harness';
import { samplePostback } from './kite-payloads';

const SECRET = 'demo-secret';

describe('POST /zerodha/postback (real Redis, PostbackModule)', () => {
  let running: RunningApp;
  let endpoint: string;

  beforeEach(async () => {
    running = await startApp(PostbackModule, { ZERODHA_ACCOUNTS: 'AB1234:demo,CD5678:demo2' });
    endpoint = `${running.url}/zerodha/postback`;
  });
  afterEach(async () => {
    await running.close();
  });

  it('publishes a valid postback as order.updated and answers 200 once it is in the log', async () => {
    const reply = await post(endpoint, samplePostback('AB1234', SECRET));
    expect(reply.status).toBe(200);
    const events = await running.events();
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(reply.body).toEqual({ status: 'ok', id: event.id });
    expect(event).toMatchObject({
      type: 'order.updated',
      source: 'zerodha-postback',
      channel: 'postback',
      userId: 'demo',
      accountId: 'AB1234',
      broker: 'zerodha',
      key: '2042130686722629633',
    });
    expect(event.id).toMatch(/^zerodha-o-[0-9a-f]{32}$/);
    expect(event.receivedAt).toBeLessThanOrEqual(Date.now());
    expect(event.data).toEqual({
      order: expect.objectContaining({
        brokerOrderId: '2042130686722629633',
        status: 'FILLED',
        brokerStatus: 'COMPLETE',
        filledQuantity: 10,
        averagePrice: 812.35,
        symbol: 'SBIN',
        exchange: 'NSE',
      }) as unknown,
    });
  });

  it('accepts a checksum made with any configured Kite app secret', async () => {
    await running.close();
    running = await startApp(PostbackModule, {
      ZERODHA_ACCOUNTS: 'AB1234:demo',
      ZERODHA_ACCOUNTS_FILE: `${__dirname}/fixtures/two-apps.accounts.json`,
    });
    endpoint = `${running.url}/zerodha/postback`;
    expect((await post(endpoint, samplePostback('EF9012', 'second-app-secret'))).status).toBe(200);
    expect((await post(endpoint, samplePostback('AB1234', SECRET, { status: 'CANCELLED' }))).status).toBe(
      200,
    );
    expect((await running.events()).map((e) => [e.accountId, e.userId])).toEqual([
      ['EF9012', 'carol'],
      ['AB1234', 'demo'],
    ]);
  });

  it('drops an exact duplicate and marks an older state stale', async () => {
    const partial = samplePostback('AB1234', SECRET, {
      status: 'UPDATE',
      filled_quantity: 4,
      pending_quantity: 6,
      average_price: 812.1,
    });
    const complete = samplePostback('AB1234', SECRET);
    expect((await post(endpoint, complete)).body).toMatchObject({ status: 'ok' });
    expect((await post(endpoint, complete)).body).toMatchObject({ status: 'ok', duplicate: true });
    expect((await post(endpoint, partial)).body).toMatchObject({ status: 'ok', stale: true });
    const events = await running.events();
    expect(events.map((e) => [e.type === 'order.updated' && e.data.order.filledQuantity, e.data])).toEqual([
      [10, expect.not.objectContaining({ stale: true })],
      [4, expect.objectContaining({ stale: true })],
    ]);
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    expect(metrics).toMatch(
      /fillwire_broker_updates_duplicates_dropped_total\{[^}]*where="gateway"[^}]*\} 1/,
    );
    expect(metrics).toMatch(/fillwire_broker_updates_stale_total\{[^}]*channel="postback"[^}]*\} 1/);
    // The route logs no line per request; its answers are counted instead.
    expect(metrics).toMatch(/fillwire_postback_responses_total\{[^}]*status="200"[^}]*\} 3/);
  });

  it('refuses a wrong or missing checksum with 401 and leaves the log unchanged', async () => {
    const bad = { ...samplePostback('AB1234', SECRET), checksum: kitePostbackChecksum('x', 'y', SECRET) };
    const missing = samplePostback('AB1234', SECRET);
    delete missing.checksum;
    const empty = { ...samplePostback('AB1234', SECRET), checksum: '' };
    for (const body of [bad, missing, empty]) expect((await post(endpoint, body)).status).toBe(401);
    expect(await running.events()).toEqual([]);
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    expect(metrics).toMatch(/fillwire_postback_checksum_failures_total\{[^}]*\} 3/);
  });

  it('answers 400 with a reason for malformed JSON, a non-object, missing fields and a bad order', async () => {
    const cases: Array<[unknown, RegExp]> = [
      ['{"order_id": ', /not JSON/],
      ['[1,2]', /JSON object/],
      [{ order_timestamp: '2026-01-01 09:45:10', checksum: 'x' }, /order_id/],
      [samplePostback('AB1234', SECRET, { transaction_type: 'HOLD' }), /transaction_type/],
      ['', /empty body/],
    ];
    for (const [body, reason] of cases) {
      const reply = await post(endpoint, body);
      expect(reply.status).toBe(400);
      expect(String(reply.body.message)).toMatch(reason);
    }
    expect(await running.events()).toEqual([]);
  });

  it('answers 413 to a body over 64 KiB, whatever its content type', async () => {
    const big = JSON.stringify({ ...samplePostback('AB1234', SECRET), pad: 'x'.repeat(65 * 1024) });
    expect((await post(endpoint, big)).status).toBe(413);
    expect((await post(endpoint, big, { 'content-type': 'text/plain' })).status).toBe(413);
    expect(await running.events()).toEqual([]);
  });

  it('answers 202 to an account it does not follow, counts and publishes nothing', async () => {
    const reply = await post(endpoint, samplePostback('ZZ9999', SECRET));
    expect(reply.status).toBe(202);
    expect(await running.events()).toEqual([]);
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    expect(metrics).toMatch(/fillwire_broker_unknown_account_total\{[^}]*\} 1/);
  });

  it('reads the raw body whatever the content type (form or none)', async () => {
    const body = JSON.stringify(samplePostback('AB1234', SECRET));
    expect((await post(endpoint, body, { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(
      200,
    );
    expect(await running.events()).toHaveLength(1);
  });
});

describe('POST /zerodha/postback with Redis down', () => {
  it('answers 503 (a 200 would promise durability) and counts it', async () => {
    const redis = await startRedisServer();
    const running = await startApp(PostbackModule, { REDIS_URL: redis.url });
    try {
      const endpoint = `${running.url}/zerodha/postback`;
      expect((await post(endpoint, samplePostback('AB1234', SECRET))).status).toBe(200);
      await redis.kill();
      const reply = await post(endpoint, samplePostback('AB1234', SECRET, { status: 'CANCELLED' }));
      expect(reply.status).toBe(503);
      const metrics = await (await fetch(`${running.url}/metrics`)).text();
      expect(metrics).toMatch(/fillwire_broker_publish_failures_total\{[^}]*channel="postback"[^}]*\} 1/);
    } finally {
      await running.close();
      await redis.stop();
    }
  });
});
