import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import axios, { type AxiosInstance } from 'axios';
import ioV2 from 'socket.io-client-v2';
import { io as ioV4 } from 'socket.io-client';
import { FakeClock } from '../engine/fake-clock';
import { MatchingEngine } from '../engine/matching-engine';
import type { SimInstrument } from '../engine/engine.types';
import { createXtsSimulator, type XtsSimulator } from './index';
import type { XtsDeliver } from './xts-socket.gateway';

const FIXTURES = resolve(
  process.env.FILLWIRE_FIXTURES_DIR ?? resolve(__dirname, '../../../../../shared/fixtures'),
  'xts',
);
const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(resolve(FIXTURES, name), 'utf8')) as Record<string, unknown>;
const keys = (o: object): string[] => Object.keys(o).sort();

type Row = Record<string, unknown>;
interface Envelope<T = unknown> {
  type: 'success' | 'error';
  code: string;
  description: string;
  result: T;
}

/** What both socket.io client generations have in common. */
interface AnySocket {
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  close(): unknown;
}

interface Received {
  event: string;
  raw: unknown;
}

/** Records every event of a socket and lets a test wait (on events, not polling) for a condition. */
function record(socket: AnySocket, events: string[]) {
  const received: Received[] = [];
  const waiters = new Set<() => void>();
  for (const event of events) {
    socket.on(event, (raw: unknown) => {
      received.push({ event, raw });
      for (const wake of [...waiters]) wake();
    });
  }
  const until = <T>(check: (r: Received[]) => T | undefined, what: string, timeoutMs = 5_000): Promise<T> =>
    new Promise((resolvePromise, reject) => {
      const attempt = (): boolean => {
        const value = check(received);
        if (value === undefined || value === false) return false;
        waiters.delete(wake);
        clearTimeout(timer);
        resolvePromise(value);
        return true;
      };
      const wake = (): void => void attempt();
      const timer = setTimeout(() => {
        waiters.delete(wake);
        reject(new Error(`timed out waiting for ${what}; got ${received.map((r) => r.event).join(',')}`));
      }, timeoutMs);
      waiters.add(wake);
      attempt();
    });
  const parsed = (event: string): Row[] =>
    received.filter((r) => r.event === event).map((r) => JSON.parse(r.raw as string) as Row);
  return { received, until, parsed };
}

describe('XTS interactive simulator (REST + socket.io)', () => {
  let clock: FakeClock;
  let engine: MatchingEngine;
  let sim: XtsSimulator;
  let delivered: ((channel: string, key: string, send: () => void) => void) | undefined;
  const sockets: AnySocket[] = [];

  const client = (token?: string): AxiosInstance =>
    axios.create({
      baseURL: `${sim.url}/interactive`,
      validateStatus: () => true,
      headers: token ? { Authorization: token } : {},
    });

  async function login(): Promise<{ token: string; userID: string; api: AxiosInstance }> {
    const res = await client().post<Envelope<{ token: string; userID: string }>>('/user/session', {
      appKey: 'xts-demo',
      secretKey: 'demo-secret',
      source: 'WEBAPI',
    });
    expect(res.data.type).toBe('success');
    return { ...res.data.result, api: client(res.data.result.token) };
  }

  const v2 = (token: string, userID: string, transports?: string[]) => {
    const socket = ioV2(sim.url, {
      path: '/interactive/socket.io',
      query: { token, userID, apiType: 'INTERACTIVE' },
      reconnection: false,
      forceNew: true,
      ...(transports ? { transports } : {}),
    });
    sockets.push(socket);
    return socket;
  };
  const v4 = (token: string, userID: string) => {
    const socket = ioV4(sim.url, {
      path: '/interactive/socket.io',
      query: { token, userID, apiType: 'INTERACTIVE' },
      reconnection: false,
      forceNew: true,
    });
    sockets.push(socket);
    return socket;
  };

  const deliver: XtsDeliver = (channel, key, send) => (delivered ? delivered(channel, key, send) : send());

  const instrument = (find: (i: SimInstrument) => boolean): SimInstrument => {
    const found = engine.instruments.find(find);
    if (!found) throw new Error('instrument missing from the engine');
    return found;
  };
  const count = (r: Received[], event: string, text = ''): number =>
    r.filter((e) => e.event === event && (e.raw as string).includes(text)).length;

  beforeEach(async () => {
    // The real matching engine on a fake clock: every step happens when the test advances time.
    clock = new FakeClock();
    engine = new MatchingEngine({ clock, tickMs: 0, partialFillProbability: 1, seed: 7 });
    delivered = undefined;
    sim = await createXtsSimulator({ engine, port: 0, rateLimit: false, deliver });
  });

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.close();
    engine.stop();
    await sim.close();
  });

  it('logs in with a JSON body and with a form-encoded body, like the SDKs', async () => {
    const json = await client().post<Envelope<Row>>('/user/session', {
      appKey: 'xts-demo',
      secretKey: 'demo-secret',
      source: 'WEBAPI',
    });
    expect(json.status).toBe(200);
    expect(json.headers['content-type']).toMatch(/application\/json/);
    expect(json.data).toMatchObject({ type: 'success', code: 's-user-0001', description: 'Valid User.' });
    expect(json.data.result).toMatchObject({
      userID: 'JN0001',
      isInvestorClient: true,
      clientCodes: ['JN0001'],
    });
    const loginFixture = fixture('xts_rest_login_response_sdk_comment.json').result as Row;
    expect(keys(json.data.result)).toEqual(expect.arrayContaining(keys(loginFixture)));
    expect(keys(json.data.result.enums as Row)).toEqual(
      expect.arrayContaining(keys(loginFixture.enums as Row)),
    );

    const form = await client().post<Envelope<Row>>(
      '/user/session',
      new URLSearchParams({ appKey: 'xts-demo', secretKey: 'demo-secret', source: 'WEBAPI' }),
    );
    expect(form.data).toMatchObject({ type: 'success', result: { userID: 'JN0001' } });
    expect(form.data.result.token).not.toBe(json.data.result.token);

    // The Python SDK posts the JSON text without a JSON content type.
    const untyped = await client().post<Envelope<Row>>(
      '/user/session',
      JSON.stringify({ appKey: 'xts-demo', secretKey: 'demo-secret', source: 'WEBAPI' }),
      { headers: { 'Content-Type': 'text/plain' } },
    );
    expect(untyped.data).toMatchObject({ type: 'success', result: { userID: 'JN0001' } });

    const bad = await client().post<Envelope>('/user/session', { appKey: 'xts-demo', secretKey: 'nope' });
    expect(bad.data).toMatchObject({ type: 'error' });
    expect(bad.status).toBe(400);
  });

  it('a second login kills the first: old token → HTTP 200 Invalid Token, old socket gets logout', async () => {
    const first = await login();
    const socket = v4(first.token, first.userID);
    const events = record(socket, ['joined', 'logout', 'disconnect']);
    await events.until((r) => r.some((e) => e.event === 'joined'), 'joined');

    const second = await login();
    await events.until((r) => r.some((e) => e.event === 'disconnect'), 'disconnect after logout');
    expect(events.received.map((e) => e.event)).toEqual(['joined', 'logout', 'disconnect']);
    expect(typeof events.received[1].raw).toBe('string');

    const stale = await first.api.get<Envelope>('/orders');
    expect(stale.status).toBe(200);
    expect(stale.data).toMatchObject({ type: 'error', code: 'e-session-0007', description: 'Invalid Token' });
    const fresh = await second.api.get<Envelope>('/orders');
    expect(fresh.data).toMatchObject({ type: 'success', result: [] });
  });

  it('serves a MARKET order end to end: REST place, socket order/trade/position strings, book, history, trades, positions', async () => {
    const { token, userID, api } = await login();
    const socket = v2(token, userID); // default transports: polling first, then upgrade (the Node SDK)
    const events = record(socket, ['joined', 'order', 'trade', 'position']);
    await events.until((r) => r.some((e) => e.event === 'joined'), 'joined');
    expect(typeof events.received[0].raw).toBe('string');

    const placed = await api.post<Envelope<Row>>('/orders', {
      exchangeSegment: 'NSECM',
      exchangeInstrumentID: 2885,
      productType: 'MIS',
      orderType: 'MARKET',
      orderSide: 'BUY',
      timeInForce: 'DAY',
      disclosedQuantity: 0,
      orderQuantity: 10,
      limitPrice: 0,
      stopPrice: 0,
      orderUniqueIdentifier: 'fw-mkt-1',
    });
    expect(placed.data).toMatchObject({
      type: 'success',
      code: 's-orders-0001',
      description: 'Request sent',
    });
    expect(keys(placed.data.result)).toEqual(
      keys(fixture('xts_rest_place_order_response.json').result as Row),
    );
    const appOrderID = placed.data.result.AppOrderID as number;
    expect(Number.isInteger(appOrderID) && String(appOrderID).length <= 10).toBe(true);

    clock.advance(2_000);
    const order = engine.allOrders().find((o) => Number(o.orderId) === appOrderID)!;
    expect(order.state).toBe('complete');
    const executions = order.trades.length;
    expect(executions).toBeGreaterThanOrEqual(2);
    await events.until(
      (r) => count(r, 'order', '"Filled"') === 1 && count(r, 'position') === executions,
      'Filled and one position per execution',
    );
    for (const e of events.received) expect(typeof e.raw).toBe('string');
    const orders = events.parsed('order');
    const statuses = orders.map((o) => o.OrderStatus);
    expect(statuses.slice(0, 2)).toEqual(['PendingNew', 'New']);
    expect(statuses.slice(2, -1)).toEqual(Array.from({ length: executions - 1 }, () => 'PartiallyFilled'));
    expect(statuses.at(-1)).toBe('Filled');
    expect(orders.every((o) => o.AppOrderID === appOrderID && o.OrderUniqueIdentifier === 'fw-mkt-1')).toBe(
      true,
    );
    expect(orders.at(-1)).toMatchObject({
      CumulativeQuantity: 10,
      LeavesQuantity: 0,
      OrderSide: 'Buy',
      OrderType: 'Market',
      OrderAverageTradedPrice: '1,418.60',
      OrderAverageTradedPriceAPI: 1418.6,
    });
    const sequenceNumbers = events.received
      .slice(1)
      .map((e) => (JSON.parse(e.raw as string) as Row).SequenceNumber);
    expect(sequenceNumbers).toEqual([...(sequenceNumbers as number[])].sort((a, b) => a - b));
    expect(new Set(sequenceNumbers).size).toBe(sequenceNumbers.length);

    const trades = events.parsed('trade');
    expect(trades).toHaveLength(executions);
    expect(trades.map((t) => t.ExecutionReportIndex)).toEqual(order.trades.map((t) => t.index));
    expect(trades.reduce((sum, t) => sum + (t.LastTradedQuantity as number), 0)).toBe(10);
    expect(trades.at(-1)).toMatchObject({ CumulativeQuantity: 10, OrderStatus: 'Filled', MessageCode: 9005 });
    expect(trades.every((t) => typeof t.ExecutionID === 'string' && t.LastTradedPrice === 1418.6)).toBe(true);
    expect(events.parsed('position').at(-1)).toMatchObject({
      NetPosition: 10,
      LongPosition: 10,
      MessageCode: 9002,
    });

    const book = await api.get<Envelope<Row[]>>('/orders');
    expect(book.data.type).toBe('success');
    expect(book.data.result).toHaveLength(1);
    expect(keys(book.data.result[0])).toEqual(keys(fixture('xts_socket_order_event_pendingnew.json')));
    expect(book.data.result[0]).toMatchObject({
      AppOrderID: appOrderID,
      OrderStatus: 'Filled',
      CumulativeQuantity: 10,
    });

    const history = await api.get<Envelope<Row[]>>('/orders', { params: { appOrderID } });
    expect(history.data.result.map((r) => r.OrderStatus)).toEqual(statuses);

    const tradeBook = await api.get<Envelope<Row[]>>('/orders/trades');
    // The trade book repeats the pushed executions field for field (bar the sequence number).
    expect(tradeBook.data.result).toEqual(trades.map((t) => ({ ...t, SequenceNumber: expect.any(Number) })));

    const positions = await api.get<Envelope<{ positionList: Row[] }>>('/portfolio/positions', {
      params: { dayOrNet: 'NetWise' },
    });
    expect(positions.data.result.positionList).toHaveLength(1);
    expect(keys(positions.data.result.positionList[0])).toEqual(
      expect.arrayContaining(keys(fixture('xts_rest_position_row_sdk_comment.json'))),
    );
    expect(positions.data.result.positionList[0]).toMatchObject({
      Quantity: '10',
      BuyAmount: '14,186.00',
      ExchangeInstrumentId: '2885',
    });

    const profile = await api.get<Envelope<Row>>('/user/profile');
    expect(profile.data.result).toMatchObject({ ClientId: 'JN0001' });
    const balance = await api.get<Envelope<{ BalanceList: Row[] }>>('/user/balance');
    expect(balance.data.result.BalanceList).toHaveLength(1);
  });

  it('modifies and cancels a LIMIT order (numeric strings accepted); LeavesQuantity survives the cancel', async () => {
    const { token, userID, api } = await login();
    const socket = v2(token, userID, ['websocket']); // how the Python and Java SDKs connect
    const events = record(socket, ['joined', 'order']);
    await events.until((r) => r.some((e) => e.event === 'joined'), 'joined');

    const option = instrument((i) => i.kind === 'index-option' && i.underlying === 'NIFTY');
    const ltp = engine.lastPrice(option);
    const placed = await api.post<Envelope<Row>>('/orders', {
      exchangeSegment: 'NSEFO',
      exchangeInstrumentID: String(option.xtsId),
      productType: 'NRML',
      orderType: 'LIMIT',
      orderSide: 'SELL',
      timeInForce: 'DAY',
      disclosedQuantity: '0',
      orderQuantity: '130',
      limitPrice: String(ltp + 10),
      stopPrice: '0',
      orderUniqueIdentifier: 'fw-lmt-1',
    });
    expect(placed.data.type).toBe('success');
    const appOrderID = placed.data.result.AppOrderID as number;
    clock.advance(100);
    await events.until((r) => count(r, 'order', '"New"') === 1, 'New');

    const modified = await api.put<Envelope<Row>>('/orders', {
      appOrderID,
      modifiedProductType: 'NRML',
      modifiedOrderType: 'LIMIT',
      modifiedOrderQuantity: 195,
      modifiedDisclosedQuantity: 0,
      modifiedLimitPrice: ltp + 12,
      modifiedStopPrice: 0,
      modifiedTimeInForce: 'DAY',
      orderUniqueIdentifier: 'fw-lmt-1',
    });
    expect(modified.data).toMatchObject({ type: 'success', result: { AppOrderID: appOrderID } });
    clock.advance(100);
    await events.until((r) => count(r, 'order', '"New"') === 2, 'New after the modification');

    // The price reaches the limit: the first partial fill lands within 5 ms, the next ones later.
    engine.setPrice(option, ltp + 12);
    clock.advance(5);
    await events.until((r) => count(r, 'order', '"PartiallyFilled"') === 1, 'partial fill');

    const cancelled = await api.delete<Envelope<Row[]>>('/orders', {
      params: { appOrderID, orderUniqueIdentifier: 'fw-lmt-1' },
    });
    const cancelFixture = fixture('xts_rest_cancel_order_response.json') as unknown as Envelope<Row[]>;
    expect(keys(cancelled.data)).toEqual(keys(cancelFixture));
    expect(cancelled.data).toMatchObject({
      type: 'success',
      result: [{ AppOrderID: appOrderID, ClientID: 'JN0001' }],
    });
    expect(keys(cancelled.data.result[0])).toEqual(keys(cancelFixture.result[0]));
    clock.advance(100);
    await events.until((r) => count(r, 'order', '"Cancelled"') === 1, 'Cancelled');

    const orders = events.parsed('order');
    expect(orders.map((o) => o.OrderStatus)).toEqual([
      'PendingNew',
      'New',
      'PendingReplace',
      'Replaced',
      'New',
      'PartiallyFilled',
      'PendingCancel',
      'Cancelled',
    ]);
    const last = orders.at(-1)!;
    const filled = last.CumulativeQuantity as number;
    expect(filled > 0 && filled < 195 && filled % 65 === 0).toBe(true);
    expect(last).toMatchObject({
      OrderQuantity: 195,
      OrderPrice: ltp + 12,
      LeavesQuantity: 195 - filled,
      OrderSide: 'Sell',
      OrderType: 'Limit',
      TradingSymbol: option.xtsSymbol,
    });
    expect(orders[3]).toMatchObject({ OrderQuantity: 130 });
    const history = await api.get<Envelope<Row[]>>('/orders', { params: { appOrderID } });
    expect(history.data.result.map((r) => r.OrderStatus)).toEqual(orders.map((o) => o.OrderStatus));

    const again = await api.delete<Envelope>('/orders', { params: { appOrderID } });
    expect(again.status).toBe(400);
    expect(again.data.type).toBe('error');
  });

  const body = (): Row => ({
    exchangeSegment: 'NSECM',
    exchangeInstrumentID: 3045,
    productType: 'MIS',
    orderType: 'MARKET',
    orderSide: 'BUY',
    orderQuantity: 1,
  });

  it('answers input errors with HTTP 400 Bad Request and an errors list', async () => {
    const { api } = await login();
    const res = await api.post<Envelope<{ errors: Row[] }>>('/orders', {
      exchangeSegment: 'NSECM',
      exchangeInstrumentID: 2885,
      productType: 'MIS',
      orderType: 'LIMITED',
      orderSide: 'BUY',
      orderQuantity: 0,
      orderUniqueIdentifier: 'x'.repeat(21),
    });
    expect(res.status).toBe(400);
    expect(res.data).toMatchObject({ type: 'error', description: 'Bad Request' });
    expect(res.data.code).toMatch(/^e-orders-/);
    expect(res.data.result.errors.map((e) => (e.field as string[])[0]).sort()).toEqual([
      'orderQuantity',
      'orderType',
      'orderUniqueIdentifier',
    ]);
    const noPrice = await api.post<Envelope>('/orders', {
      exchangeSegment: 'NSECM',
      exchangeInstrumentID: 3045,
      productType: 'MIS',
      orderType: 'LIMIT',
      orderSide: 'BUY',
      orderQuantity: 1,
    });
    expect(noPrice.status).toBe(400);
    expect(noPrice.data).toMatchObject({ type: 'error', code: 'e-orders-0005' });
    const unknown = await api.post<Envelope>('/orders', { ...body(), exchangeInstrumentID: 999_999 });
    expect(unknown.status).toBe(400);
    expect(unknown.data.type).toBe('error');

    // Business rejections are asynchronous, as in production: accepted, then Rejected with a reason.
    const option = instrument((i) => i.kind === 'index-option');
    const offLot = await api.post<Envelope<Row>>('/orders', {
      ...body(),
      exchangeSegment: 'NSEFO',
      exchangeInstrumentID: option.xtsId,
      productType: 'NRML',
      orderQuantity: 10,
    });
    expect(offLot.data.type).toBe('success');
    clock.advance(100);
    const history = await api.get<Envelope<Row[]>>('/orders', {
      params: { appOrderID: offLot.data.result.AppOrderID },
    });
    expect(history.data.result.map((r) => r.OrderStatus)).toEqual(['PendingNew', 'Rejected']);
    expect(history.data.result[1]).toMatchObject({
      LeavesQuantity: 10,
      CumulativeQuantity: 0,
      CancelRejectReason: `Quantity should be a multiple of lot size ${option.lotSize}.`,
    });
    const garbage = await api.post<Envelope>('/orders', '{"broken', {
      headers: { 'Content-Type': 'application/json' },
    });
    expect(garbage.status).toBe(400);
    expect(garbage.data.type).toBe('error');
  });

  it('accepts EIO=3 websocket-only and socket.io v4 clients side by side; emitRaw reaches both as strings', async () => {
    const { token, userID } = await login();
    const legacy = record(v2(token, userID, ['websocket']), ['joined', 'order', 'custom']);
    const modern = record(v4(token, userID), ['joined', 'order', 'custom']);
    await legacy.until((r) => r.some((e) => e.event === 'joined'), 'v2 joined');
    await modern.until((r) => r.some((e) => e.event === 'joined'), 'v4 joined');

    expect(sim.emitRaw(userID, 'custom', { AppOrderID: 1 })).toBe(2);
    expect(sim.emitRaw(userID, 'order', '{"raw":true}')).toBe(2);
    expect(sim.emitRaw('NOBODY', 'order', '{}')).toBe(0);
    for (const side of [legacy, modern]) {
      await side.until((r) => r.some((e) => e.event === 'order'), 'raw order');
      expect(side.received.find((e) => e.event === 'custom')?.raw).toBe('{"AppOrderID":1}');
      expect(side.received.find((e) => e.event === 'order')?.raw).toBe('{"raw":true}');
    }
  });

  it.each([
    ['v2 polling', 'v2' as const],
    ['v4', 'v4' as const],
  ])('rejects a bad token on the socket (%s): error, then disconnect', async (_name, kind) => {
    const { userID } = await login();
    const socket = kind === 'v2' ? v2('not-a-token', userID) : v4('not-a-token', userID);
    const events = record(socket, ['joined', 'error', 'disconnect']);
    await events.until((r) => r.some((e) => e.event === 'disconnect'), 'disconnect');
    expect(events.received.map((e) => e.event)).toEqual(['error', 'disconnect']);
    expect(JSON.parse(events.received[0].raw as string)).toMatchObject({
      type: 'error',
      description: 'Invalid Token',
    });
  });

  it('drops sockets like a network failure and expires tokens on demand', async () => {
    const { token, userID, api } = await login();
    const events = record(v4(token, userID), ['joined', 'disconnect']);
    await events.until((r) => r.some((e) => e.event === 'joined'), 'joined');
    expect(sim.disconnectAll(userID)).toBe(1);
    const reason = await events.until((r) => r.find((e) => e.event === 'disconnect')?.raw, 'disconnect');
    // A network-like drop: a reason the clients reconnect after (not "io server disconnect").
    expect(['transport close', 'transport error']).toContain(reason);

    expect(sim.expireTokens()).toBe(1);
    const res = await api.get<Envelope>('/orders');
    expect(res.data).toMatchObject({ type: 'error', description: 'Invalid Token' });
    const logout = await (await login()).api.delete<Envelope>('/user/session');
    expect(logout.data).toMatchObject({ type: 'success', description: 'successfully logout from all API.' });
  });

  it('routes pushes through the fault hook on channel xts-socket (drop and duplicate)', async () => {
    const { token, userID, api } = await login();
    const events = record(v4(token, userID), ['joined', 'order', 'trade']);
    await events.until((r) => r.some((e) => e.event === 'joined'), 'joined');
    const channels = new Set<string>();
    let count = 0;
    delivered = (channel, _key, send) => {
      channels.add(channel);
      count += 1;
      if (count === 1) return; // drop the first push
      send();
      if (count === 2) send(); // duplicate the second
    };
    await api.post('/orders', { ...body(), productType: 'CNC', orderSide: 'SELL' });
    clock.advance(1_000);
    await events.until(
      (r) => r.some((e) => e.event === 'trade') && r.some((e) => (e.raw as string).includes('"Filled"')),
      'trade and Filled',
    );
    expect([...channels]).toEqual(['xts-socket']);
    expect(events.parsed('order').map((o) => o.OrderStatus)).toEqual(['New', 'New', 'Filled']);
  });

  it('answers read endpoints above 1 req/s and order endpoints above 10 req/s with HTTP 429', async () => {
    await sim.close();
    sim = await createXtsSimulator({ engine, port: 0, rateLimit: true });
    const { api } = await login();
    const reads = await Promise.all([1, 2, 3].map(() => api.get<Envelope>('/orders')));
    const limited = reads.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(1);
    expect(limited[0].data).toMatchObject({ type: 'error', code: 'RATE_LIMIT_EXCEEDED' });
    // Different read endpoints have their own budget.
    const otherReads = await Promise.all([
      api.get<Envelope>('/orders/trades'),
      api.get<Envelope>('/user/profile'),
    ]);
    expect(otherReads.some((r) => r.status === 200)).toBe(true);

    const limit = { ...body(), orderType: 'LIMIT', limitPrice: 800 };
    const burst = await Promise.all(Array.from({ length: 30 }, () => api.post<Envelope>('/orders', limit)));
    expect(burst.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(10);
    expect(burst.filter((r) => r.status === 200).length).toBeLessThanOrEqual(20);
  });
});
