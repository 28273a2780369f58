import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { KiteConnect } from 'kiteconnect';
import { startBrokerSim, type BrokerSim } from '../broker-sim';
import { postbackChecksum, sessionChecksum } from './kite-format';
import {
  openTicker,
  startPostbackReceiver,
  type PostbackReceiver,
  type TickerMessage,
} from './kite-test-helpers';
import { decodeFrame } from './kite-ticker.codec';

const FIXTURES = resolve(
  process.env.FILLWIRE_FIXTURES_DIR ?? resolve(__dirname, '../../../../../shared/fixtures'),
  'kite',
);
type Row = Record<string, unknown>;
const fixtureData = (name: string): unknown =>
  (JSON.parse(readFileSync(resolve(FIXTURES, name), 'utf8')) as { data: unknown }).data;
const keys = (o: unknown): string[] => Object.keys(o as object).sort();

const API_KEY = 'kite-demo';
const SECRET = 'demo-secret';
const POSTBACK_FIELDS = [
  'user_id',
  'unfilled_quantity',
  'app_id',
  'checksum',
  'placed_by',
  'order_id',
  'exchange_order_id',
  'parent_order_id',
  'status',
  'status_message',
  'status_message_raw',
  'order_timestamp',
  'exchange_update_timestamp',
  'exchange_timestamp',
  'variety',
  'exchange',
  'tradingsymbol',
  'instrument_token',
  'order_type',
  'transaction_type',
  'validity',
  'product',
  'quantity',
  'disclosed_quantity',
  'price',
  'trigger_price',
  'average_price',
  'filled_quantity',
  'pending_quantity',
  'cancelled_quantity',
  'market_protection',
  'meta',
  'tag',
  'guid',
].sort();

let sim: BrokerSim;
let receiver: PostbackReceiver;
type Kite = InstanceType<typeof KiteConnect>;
let kc: Kite;
let token: string;

async function raw(path: string, init: RequestInit & { auth?: string | null } = {}) {
  const headers = new Headers(init.headers);
  if (init.auth !== null) headers.set('authorization', init.auth ?? `token ${API_KEY}:${token}`);
  const res = await fetch(sim.kiteUrl + path, { ...init, headers });
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    body: (await res.json()) as Row,
  };
}
const admin = (path: string, body?: unknown) =>
  raw(path, {
    method: body === undefined ? 'GET' : 'POST',
    auth: null,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
const postbacksFor = (orderId: string) =>
  receiver.inbox.items.filter((p) => p.body.order_id === orderId).map((p) => p.body);
const waitPostback = (orderId: string, status: string) =>
  receiver.inbox.until(
    (items) => items.find((p) => p.body.order_id === orderId && p.body.status === status)?.body,
    `postback ${status} for ${orderId}`,
  );
/** Resolves when the engine has put the order in `state` (in-process event, no polling). */
const reachesState = (orderId: string, state: string) =>
  new Promise<void>((resolvePromise) => {
    const current = sim.engine.allOrders().find((o) => o.orderId === orderId);
    if (current?.state === state) return resolvePromise();
    const listener = (e: { order: { orderId: string }; snapshot: { state: string } }) => {
      if (e.order.orderId !== orderId || e.snapshot.state !== state) return;
      sim.engine.off('order', listener);
      resolvePromise();
    };
    sim.engine.on('order', listener);
  });
const orderFrames = (msgs: TickerMessage[]) =>
  msgs.flatMap((m) => (m.kind === 'text' ? [JSON.parse(m.text) as { type: string; data: Row }] : []));

beforeAll(async () => {
  receiver = await startPostbackReceiver();
  sim = await startBrokerSim({
    kitePort: 0,
    xtsPort: 0,
    tickMs: 0,
    seed: 7,
    partialFillProbability: 0,
    postbackUrl: receiver.url,
    heartbeatMs: 200,
  });
  kc = new KiteConnect({ api_key: API_KEY, root: sim.kiteUrl });
  const session = await kc.generateSession('AB1234', SECRET);
  token = session.access_token;
});

afterAll(async () => {
  await sim?.close();
  await receiver?.close();
});

beforeEach(async () => {
  await admin('/_sim/reset', {});
});

describe('Kite session', () => {
  it('logs in with the official client; the session keys match generate_session.json', async () => {
    const other = new KiteConnect({ api_key: API_KEY, root: sim.kiteUrl });
    const session = await other.generateSession('CD5678', SECRET);
    expect(keys(session)).toEqual(keys(fixtureData('generate_session.json')));
    expect(session.user_id).toBe('CD5678');
    expect(session.access_token).not.toBe(token);
  });

  it('refuses a bad checksum, an unknown user and a wrong api key with 403 TokenException', async () => {
    const form = (apiKey: string, user: string, checksum: string) =>
      raw('/session/token', {
        method: 'POST',
        auth: null,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ api_key: apiKey, request_token: user, checksum }).toString(),
      });
    for (const res of [
      await form(API_KEY, 'AB1234', sessionChecksum(API_KEY, 'AB1234', 'wrong')),
      await form(API_KEY, 'ZZ9999', sessionChecksum(API_KEY, 'ZZ9999', SECRET)),
      await form('other', 'AB1234', sessionChecksum('other', 'AB1234', SECRET)),
    ]) {
      expect(res.status).toBe(403);
      expect(res.body).toEqual(expect.objectContaining({ status: 'error', error_type: 'TokenException' }));
    }
    await expect(
      new KiteConnect({ api_key: API_KEY, root: sim.kiteUrl }).generateSession('AB1234', 'wrong'),
    ).rejects.toEqual(expect.objectContaining({ error_type: 'TokenException' }));
  });

  it('needs `Authorization: token api_key:access_token`, answering JSON always', async () => {
    for (const auth of [null, 'token nope', `token ${API_KEY}:bad`, `Bearer ${token}`]) {
      const res = await raw('/orders', { auth });
      expect(res.status).toBe(403);
      expect(res.contentType).toBe('application/json');
      expect(res.body.error_type).toBe('TokenException');
    }
    const ok = await raw('/orders');
    expect(ok.contentType).toBe('application/json');
    expect(ok.body).toEqual({ status: 'success', data: [] });
  });

  it('logs out with DELETE /session/token', async () => {
    const other = new KiteConnect({ api_key: API_KEY, root: sim.kiteUrl });
    const session = await other.generateSession('CD5678', SECRET);
    await expect(other.invalidateAccessToken(session.access_token)).resolves.toBe(true);
    await expect(other.getProfile()).rejects.toEqual(
      expect.objectContaining({ error_type: 'TokenException' }),
    );
  });
});

describe('Kite orders through the official client', () => {
  it('places a MARKET order; book, history, trades, positions and postback match the fixtures', async () => {
    const { order_id } = await kc.placeOrder('regular', {
      exchange: 'NSE',
      tradingsymbol: 'SBIN',
      transaction_type: 'BUY',
      quantity: 10,
      product: 'MIS',
      order_type: 'MARKET',
      tag: 'e2e1',
    });
    expect(typeof order_id).toBe('string');
    expect(String(order_id)).toMatch(/^\d{19}$/);
    const postback = await waitPostback(String(order_id), 'COMPLETE');

    expect(keys(postback)).toEqual(POSTBACK_FIELDS);
    expect(postback.checksum).toBe(
      postbackChecksum(String(order_id), String(postback.order_timestamp), SECRET),
    );
    expect(postback).toEqual(
      expect.objectContaining({ user_id: 'AB1234', unfilled_quantity: 0, filled_quantity: 10 }),
    );
    expect(typeof postback.app_id).toBe('number');
    expect(receiver.inbox.items.find((p) => p.body.order_id === order_id)?.contentType).toBe(
      'application/json',
    );
    // No postback for the placement itself.
    expect(postbacksFor(String(order_id)).map((p) => p.status)).toEqual(['COMPLETE']);

    const fixtureRows = fixtureData('orders.json') as Row[];
    const common = keys(fixtureRows[0]).filter((k) => fixtureRows.every((r) => k in r));
    const union = new Set(fixtureRows.flatMap((r) => Object.keys(r)));
    const book = (await raw('/orders')).body.data as Row[];
    expect(book).toHaveLength(1);
    expect(keys(book[0])).toEqual(expect.arrayContaining(common));
    for (const k of keys(book[0])) expect(union.has(k)).toBe(true);
    expect(book[0]).toEqual(
      expect.objectContaining({ order_id, status: 'COMPLETE', tag: 'e2e1', tags: ['e2e1'] }),
    );
    expect(String(book[0].order_timestamp)).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);

    const orders = await kc.getOrders();
    expect(orders.map((o) => o.order_id)).toEqual([order_id]);

    const history = await kc.getOrderHistory(order_id);
    expect(history.map((h) => h.status)).toEqual([
      'PUT ORDER REQ RECEIVED',
      'VALIDATION PENDING',
      'OPEN PENDING',
      'OPEN',
      'COMPLETE',
    ]);
    const infoKeys = keys((fixtureData('order_info.json') as Row[])[0]);
    expect(keys(history[0])).toEqual(expect.arrayContaining(infoKeys));

    const trades = (await raw('/trades')).body.data as Row[];
    expect(trades.map((t) => keys(t))).toEqual([keys((fixtureData('order_trades.json') as Row[])[0])]);
    expect(String(trades[0].order_timestamp)).toMatch(/^\d\d:\d\d:\d\d$/);
    expect(await kc.getTrades()).toHaveLength(1);
    expect(await kc.getOrderTrades(order_id)).toHaveLength(1);

    const positions = await kc.getPositions();
    const fixturePosition = (fixtureData('positions.json') as { net: Row[] }).net[0];
    expect(positions.net).toHaveLength(1);
    expect(keys(positions.net[0])).toEqual(keys(fixturePosition));
    expect(keys(positions.day[0])).toEqual(keys(fixturePosition));
    expect(positions.net[0]).toEqual(
      expect.objectContaining({ tradingsymbol: 'SBIN', quantity: 10, instrument_token: 779521 }),
    );
  });

  it('modifies and cancels a LIMIT order with UPDATE and CANCELLED postbacks', async () => {
    const { order_id } = await kc.placeOrder('regular', {
      exchange: 'NSE',
      tradingsymbol: 'INFY',
      transaction_type: 'BUY',
      quantity: 5,
      product: 'CNC',
      order_type: 'LIMIT',
      price: 1000,
    });
    await admin('/_sim/orders').then((r) => expect(r.status).toBe(200));
    const modified = await kc.modifyOrder('regular', order_id, { price: 1001.5, quantity: 6 });
    expect(modified.order_id).toBe(order_id);
    const update = await waitPostback(String(order_id), 'UPDATE');
    expect(update).toEqual(expect.objectContaining({ price: 1001.5, quantity: 6 }));
    const cancelled = await kc.cancelOrder('regular', order_id);
    expect(cancelled.order_id).toBe(order_id);
    const final = await waitPostback(String(order_id), 'CANCELLED');
    expect(final).toEqual(
      expect.objectContaining({ cancelled_quantity: 6, filled_quantity: 0, unfilled_quantity: 6 }),
    );
    const history = await kc.getOrderHistory(order_id);
    expect(history.map((h) => h.status)).toEqual([
      'PUT ORDER REQ RECEIVED',
      'VALIDATION PENDING',
      'OPEN PENDING',
      'OPEN',
      'MODIFY VALIDATION PENDING',
      'MODIFY PENDING',
      'MODIFIED',
      'OPEN',
      'CANCEL PENDING',
      'CANCELLED',
    ]);
    await expect(kc.cancelOrder('regular', order_id)).rejects.toEqual(
      expect.objectContaining({ error_type: 'InputException' }),
    );
  });

  it('fills a resting LIMIT order when the admin moves the price across it', async () => {
    await admin('/_sim/price', { tradingsymbol: 'RELIANCE', price: 1418.6 });
    const { order_id } = await kc.placeOrder('regular', {
      exchange: 'NSE',
      tradingsymbol: 'RELIANCE',
      transaction_type: 'SELL',
      quantity: 3,
      product: 'MIS',
      order_type: 'LIMIT',
      price: 1425,
    });
    await reachesState(String(order_id), 'open');
    const moved = await admin('/_sim/price', { tradingsymbol: 'RELIANCE', move: 7 });
    expect((moved.body.data as Row).lastPrice).toBe(1425.6);
    const done = await waitPostback(String(order_id), 'COMPLETE');
    expect(done.average_price).toBe(1425);
  });

  it('rejects after acceptance: margin, tick size and lot size, each with a REJECTED postback', async () => {
    await admin('/_sim/funds', { userId: 'AB1234', funds: 100 });
    const place = (params: Row) =>
      kc.placeOrder('regular', {
        exchange: 'NSE',
        tradingsymbol: 'SBIN',
        transaction_type: 'BUY',
        quantity: 1,
        product: 'CNC',
        order_type: 'MARKET',
        ...params,
      });
    const margin = await place({ quantity: 10 });
    const rejected = await waitPostback(String(margin.order_id), 'REJECTED');
    expect(String(rejected.status_message)).toMatch(/^Insufficient funds\. Required margin is/);
    expect(String(rejected.status_message_raw)).toMatch(/^RMS:Margin Exceeds/);
    await admin('/_sim/funds', { userId: 'AB1234', funds: 10_000_000 });
    const tick = await place({ order_type: 'LIMIT', price: 812.42 });
    expect(String((await waitPostback(String(tick.order_id), 'REJECTED')).status_message)).toMatch(
      /Tick size/,
    );
    const lot = await place({
      exchange: 'NFO',
      tradingsymbol: 'NIFTY26D0126000CE',
      quantity: 50,
      product: 'NRML',
    });
    expect((await waitPostback(String(lot.order_id), 'REJECTED')).status_message).toBe(
      'Quantity should be a multiple of lot size 65.',
    );
  });

  it('answers bad input with 400 InputException and creates no order', async () => {
    for (const quantity of ['0', '-1', 'abc']) {
      const res = await raw('/orders/regular', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `exchange=NSE&tradingsymbol=SBIN&transaction_type=BUY&order_type=MARKET&product=MIS&quantity=${quantity}&variety=regular`,
      });
      expect(res.status).toBe(400);
      expect(res.body.error_type).toBe('InputException');
    }
    expect(((await admin('/_sim/orders')).body.data as { orders: unknown[] }).orders).toHaveLength(0);
  });

  it('answers 404 for an unknown order, 405 for a wrong method and 404 for unknown routes', async () => {
    const missing = await raw('/orders/1234567890123456789');
    expect(missing.status).toBe(404);
    expect(missing.body.status).toBe('error');
    await expect(kc.getOrderHistory('1234567890123456789')).rejects.toEqual(
      expect.objectContaining({ status: 'error' }),
    );
    const wrong = await raw('/trades', { method: 'POST' });
    expect(wrong.status).toBe(405);
    expect(wrong.contentType).toBe('application/json');
    expect((await raw('/nope')).status).toBe(404);
  });

  it('limits order requests to 10 per second per user with 429', async () => {
    // Another user, so the burst does not eat AB1234's budget for the next tests.
    const other = await new KiteConnect({ api_key: API_KEY, root: sim.kiteUrl }).generateSession(
      'CD5678',
      SECRET,
    );
    const body =
      'exchange=NSE&tradingsymbol=SBIN&transaction_type=BUY&order_type=LIMIT&price=500&product=MIS&quantity=1';
    const results = await Promise.all(
      Array.from({ length: 25 }, () =>
        raw('/orders/regular', {
          method: 'POST',
          auth: `token ${API_KEY}:${other.access_token}`,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body,
        }),
      ),
    );
    const limited = results.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0].body).toEqual(
      expect.objectContaining({ status: 'error', error_type: 'NetworkException' }),
    );
    expect(results.filter((r) => r.status === 200).length).toBeLessThanOrEqual(20);
  });

  it('serves profile and margins with the fixture key sets', async () => {
    const profile = await kc.getProfile();
    expect(keys(profile)).toEqual(keys(fixtureData('profile.json')));
    expect(profile.user_id).toBe('AB1234');
    const margins = (await raw('/user/margins')).body.data as Record<string, Record<string, Row>>;
    const fixture = fixtureData('margins.json') as Record<string, Record<string, Row>>;
    expect(keys(margins)).toEqual(keys(fixture));
    for (const segment of ['equity', 'commodity']) {
      expect(keys(margins[segment])).toEqual(keys(fixture[segment]));
      expect(keys(margins[segment].available)).toEqual(keys(fixture[segment].available));
      expect(keys(margins[segment].utilised)).toEqual(keys(fixture[segment].utilised));
    }
    const equity = (await kc.getMargins('equity')) as unknown as Row;
    expect(equity.net).toBe(10_000_000);
  });

  it('serves the instrument master as Kite CSV that the official client parses, all or per exchange', async () => {
    const all = (await kc.getInstruments()) as unknown as Row[];
    expect(keys(all[0])).toEqual(
      [
        'instrument_token',
        'exchange_token',
        'tradingsymbol',
        'name',
        'last_price',
        'expiry',
        'strike',
        'tick_size',
        'lot_size',
        'instrument_type',
        'segment',
        'exchange',
      ].sort(),
    );
    expect(all).toHaveLength(sim.engine.instruments.length);
    expect(all.find((i) => i.tradingsymbol === 'SBIN')).toMatchObject({
      instrument_token: '779521',
      exchange_token: '3045',
      lot_size: 1,
      tick_size: 0.05,
      instrument_type: 'EQ',
      segment: 'NSE',
      exchange: 'NSE',
    });
    const nfo = (await kc.getInstruments('NFO')) as unknown as Row[];
    expect(nfo.every((i) => i.exchange === 'NFO')).toBe(true);
    const option = nfo.find((i) => i.tradingsymbol === 'NIFTY26D0126000CE')!;
    expect(option).toMatchObject({
      instrument_token: String(40103 * 256 + 2),
      exchange_token: '40103',
      name: 'NIFTY',
      strike: 26000,
      lot_size: 65,
      instrument_type: 'CE',
      segment: 'NFO-OPT',
    });
    expect((option.expiry as Date).toISOString().slice(0, 10)).toBe('2026-12-01');
    // Gzipped on request, like Kite's dump; token auth like every other route.
    const gz = await fetch(`${sim.kiteUrl}/instruments`, {
      headers: { authorization: `token ${API_KEY}:${token}`, 'accept-encoding': 'gzip' },
    });
    expect([gz.headers.get('content-type'), gz.headers.get('content-encoding')]).toEqual([
      'text/csv',
      'gzip',
    ]);
    expect((await gz.text()).split('\n')[0]).toMatch(/^instrument_token,exchange_token,tradingsymbol,/);
    expect((await raw('/instruments', { auth: null })).status).toBe(403);
    expect((await raw('/instruments/XYZ')).body.error_type).toBe('InputException');
  });
});

describe('Kite ticker', () => {
  it('refuses the upgrade for a bad token', async () => {
    await expect(openTicker(tickerUrl('bad'))).rejects.toThrow(/403/);
  });

  it('sends heartbeats, ticks for subscribed tokens, and order updates on every connection', async () => {
    const a = await openTicker(tickerUrl(token));
    const b = await openTicker(tickerUrl(token));
    try {
      await a.inbox.until((m) => m.some((x) => x.kind === 'binary' && x.data.length === 1), 'heartbeat');
      a.ws.send(JSON.stringify({ a: 'subscribe', v: [779521] }));
      a.ws.send(JSON.stringify({ a: 'mode', v: ['full', [779521]] }));
      await admin('/_sim/price', { tradingsymbol: 'SBIN', price: 815.05 });
      const tick = await a.inbox.until(
        (m) =>
          m
            .flatMap((x) => (x.kind === 'binary' && x.data.length > 2 ? decodeFrame(x.data) : []))
            .find((t) => t.last_price === 815.05 && t.mode === 'full'),
        'full tick at 815.05',
      );
      expect(tick.instrument_token).toBe(779521);
      expect(tick.depth?.buy).toHaveLength(5);

      const { order_id } = await kc.placeOrder('regular', {
        exchange: 'NSE',
        tradingsymbol: 'SBIN',
        transaction_type: 'BUY',
        quantity: 1,
        product: 'MIS',
        order_type: 'MARKET',
      });
      for (const client of [a, b]) {
        const frame = await client.inbox.until(
          (m) => orderFrames(m).find((f) => f.data.order_id === order_id && f.data.status === 'COMPLETE'),
          'order frame',
        );
        expect(frame.type).toBe('order');
        expect(keys(frame.data)).toEqual(POSTBACK_FIELDS);
        expect(frame.data.checksum).toBe('');
      }
      expect(
        orderFrames(a.inbox.items)
          .filter((f) => f.data.order_id === order_id)
          .map((f) => f.data.status),
      ).toEqual(['COMPLETE']);
    } finally {
      a.ws.terminate();
      b.ws.terminate();
    }
  });
});

describe('Admin API and faults', () => {
  it('sends raw postbacks with auto, bad and given checksums', async () => {
    const payload = {
      order_id: '220303000308932',
      order_timestamp: '2022-03-03 09:24:25',
      status: 'COMPLETE',
    };
    for (const checksum of ['auto', 'bad', 'abc123']) {
      const res = await admin('/_sim/kite/postback', { payload: { ...payload, guid: checksum }, checksum });
      expect((res.body.data as Row).httpStatus).toBe(200);
    }
    const got = await receiver.inbox.until((items) => {
      const mine = items.filter((p) => p.body.order_id === '220303000308932');
      return mine.length >= 3 ? mine.map((p) => p.body) : undefined;
    }, 'three raw postbacks');
    const byGuid = Object.fromEntries(got.map((p) => [String(p.guid), p.checksum]));
    expect(byGuid.auto).toBe(postbackChecksum('220303000308932', '2022-03-03 09:24:25', SECRET));
    expect(byGuid.bad).not.toBe(byGuid.auto);
    expect(byGuid.abc123).toBe('abc123');
  });

  it('pushes raw ticker frames and raw XTS events', async () => {
    const t = await openTicker(tickerUrl());
    try {
      const sent = await admin('/_sim/kite/ws', {
        userId: 'AB1234',
        frame: { type: 'message', data: 'hello' },
      });
      expect((sent.body.data as Row).sent).toBe(1);
      await t.inbox.until(
        (m) => m.some((x) => x.kind === 'text' && x.text === '{"type":"message","data":"hello"}'),
        'raw frame',
      );
      const str = await admin('/_sim/kite/ws', { userId: 'AB1234', frame: 'not json' });
      expect((str.body.data as Row).sent).toBe(1);
      await t.inbox.until(
        (m) => m.some((x) => x.kind === 'text' && x.text === 'not json'),
        'raw string frame',
      );
    } finally {
      t.ws.terminate();
    }
    const xts = await admin('/_sim/xts/emit', {
      userID: 'JN0001',
      event: 'order',
      payload: { AppOrderID: 1 },
    });
    expect(xts.status).toBe(200);
    expect((xts.body.data as Row).sent).toBe(0);
    expect((await admin('/_sim/faults', { channel: 'postback', drop: 3 })).status).toBe(400);
  });

  it('drops and duplicates postbacks as configured, observable at the receiver', async () => {
    await admin('/_sim/faults', { channel: 'postback', drop: 1 });
    const t = await openTicker(tickerUrl());
    try {
      const dropped = await kc.placeOrder('regular', {
        exchange: 'NSE',
        tradingsymbol: 'SBIN',
        transaction_type: 'BUY',
        quantity: 1,
        product: 'MIS',
        order_type: 'MARKET',
      });
      // The ticker still gets the update: only the postback channel drops.
      await t.inbox.until(
        (m) => orderFrames(m).find((f) => f.data.order_id === dropped.order_id),
        'ticker copy',
      );
      const faults = (await admin('/_sim/faults')).body.data as { faults: { postback: { stats: Row } } };
      expect(faults.faults.postback.stats.dropped).toBe(1);
      expect(postbacksFor(String(dropped.order_id))).toHaveLength(0);

      await admin('/_sim/faults', { reset: true, channel: 'postback', duplicate: 1 });
      const doubled = await kc.placeOrder('regular', {
        exchange: 'NSE',
        tradingsymbol: 'SBIN',
        transaction_type: 'BUY',
        quantity: 1,
        product: 'MIS',
        order_type: 'MARKET',
      });
      await receiver.inbox.until(
        (items) => items.filter((p) => p.body.order_id === doubled.order_id).length === 2 || undefined,
        'two copies',
      );
    } finally {
      t.ws.terminate();
    }
  });

  it('disconnects ticker sockets and expires tokens on request', async () => {
    const other = new KiteConnect({ api_key: API_KEY, root: sim.kiteUrl });
    const session = await other.generateSession('CD5678', SECRET);
    const t = await openTicker(tickerUrl(session.access_token));
    const closed = new Promise<void>((r) => t.ws.once('close', () => r()));
    const res = await admin('/_sim/faults', { channel: 'ticker', disconnect: true, userId: 'CD5678' });
    expect((res.body.data as Row).disconnected).toBe(1);
    await closed;
    const expiry = await admin('/_sim/faults', { channel: 'ticker', tokenExpiry: 'CD5678' });
    expect((expiry.body.data as Row).expired).toBeGreaterThanOrEqual(1);
    await expect(other.getOrders()).rejects.toEqual(
      expect.objectContaining({ error_type: 'TokenException' }),
    );
    await expect(kc.getOrders()).resolves.toEqual([]);
  });

  it('reports ground truth, health and resets', async () => {
    await kc.placeOrder('regular', {
      exchange: 'NFO',
      tradingsymbol: 'BANKNIFTY26DEC59000CE',
      transaction_type: 'BUY',
      quantity: 30,
      product: 'NRML',
      order_type: 'MARKET',
    });
    const truth = await receiver.inbox
      .until(
        (items) => items.some((p) => p.body.tradingsymbol === 'BANKNIFTY26DEC59000CE') || undefined,
        'fill',
      )
      .then(() => admin('/_sim/orders?userId=AB1234'));
    const data = truth.body.data as { orders: Row[]; positions: Record<string, Row[]> };
    expect(data.orders).toHaveLength(1);
    expect(data.orders[0]).toEqual(
      expect.objectContaining({ state: 'complete', userId: 'AB1234', broker: 'kite' }),
    );
    expect((data.orders[0].history as Row[]).map((h) => h.state)).toContain('open');
    expect(data.orders[0].trades).toHaveLength(1);
    expect(data.positions.AB1234[0]).toEqual(expect.objectContaining({ netQuantity: 30 }));
    const health = await admin('/_sim/health');
    expect(health.body.data).toEqual(
      expect.objectContaining({ status: 'ok', kite: sim.kiteUrl, xts: sim.xtsUrl }),
    );
    await admin('/_sim/reset', {});
    expect(((await admin('/_sim/orders')).body.data as { orders: unknown[] }).orders).toHaveLength(0);
  });
});

function tickerUrl(t: string = token): string {
  return `${sim.kiteUrl.replace('http', 'ws')}/?api_key=${API_KEY}&access_token=${t}&uid=1`;
}
