import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseBrokerTime, parseEnvelope, type Broker, type TypedEnvelope } from '@fillwire/events';
import { PortfolioReadRepository, type AccountRef, type OrderRecord } from '@fillwire/portfolio-state';
import { startStack, waitFor, type Stack } from '@fillwire/testing';
import Redis from 'ioredis';

/**
 * Real Kite and XTS payloads (the files in shared/fixtures, adapted only where a scenario needs
 * another status or quantity) replayed through the simulator's raw endpoints, through
 * zerodha-postback / jainam-gateway and the bus, into portfolio-manager's state, read back through
 * @fillwire/portfolio-state. Every delivery is awaited until it has either reached the order's
 * timeline in portfolio-manager or been dropped by the gateway as a duplicate, so each scenario
 * arrives in exactly the order written here, and the state is checked once nothing is in flight.
 */
jest.setTimeout(180_000);

const FIXTURES = process.env.FILLWIRE_FIXTURES_DIR ?? resolve(__dirname, '../../../../shared/fixtures');
type Row = Record<string, unknown>;
const kiteRows = (file: string): Row[] =>
  (JSON.parse(readFileSync(join(FIXTURES, 'kite', file), 'utf8')) as { data: Row[] }).data;
const xtsFixture = (file: string): Row =>
  JSON.parse(readFileSync(join(FIXTURES, 'xts', file), 'utf8')) as Row;

/** Sum of a Prometheus counter over all its label sets. */
const counter = (metrics: string, name: string): number =>
  metrics
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);

describe('broker payloads end to end into the portfolio state', () => {
  let stack: Stack;
  let redis: Redis;
  let state: PortfolioReadRepository;

  beforeAll(async () => {
    stack = await startStack({
      apps: ['zerodha-postback', 'jainam-gateway', 'portfolio-manager'],
      simEnv: { SIM_TICK_MS: '0' },
      serviceEnv: {
        // State only: no exits or MIS square-off acting on these orders at the broker.
        'portfolio-manager': { PM_AUTOMATION: '0' },
        'zerodha-postback': { ZERODHA_POLL_AFTER: '60s' },
      },
    });
    redis = new Redis(stack.redisUrl);
    state = new PortfolioReadRepository(redis, { prefix: stack.prefix });
  });
  afterAll(async () => {
    await stack?.stop();
    await redis?.quit();
  });

  /** Dropped-duplicate counter of the gateway that owns `broker`. */
  const duplicatesDropped = async (broker: Broker): Promise<number> => {
    const [app, name] =
      broker === 'zerodha'
        ? (['zerodha-postback', 'fillwire_broker_updates_duplicates_dropped_total'] as const)
        : (['jainam-gateway', 'fillwire_gateway_duplicates_dropped_total'] as const);
    return counter(await (await fetch(`${stack.url(app)}/metrics`)).text(), name);
  };

  /**
   * Sends one broker update and waits until it is accounted for: applied by portfolio-manager (one
   * more entry in the order's timeline) or dropped by the gateway as a duplicate.
   */
  async function deliver(
    broker: Broker,
    accountId: string,
    brokerOrderId: string,
    send: () => Promise<void>,
  ): Promise<'applied' | 'dropped'> {
    const ref = { broker, accountId, brokerOrderId };
    const [entries, dropped] = [(await state.getTimeline(ref)).length, await duplicatesDropped(broker)];
    await send();
    return waitFor(
      async () => {
        if ((await state.getTimeline(ref)).length > entries) return 'applied' as const;
        if ((await duplicatesDropped(broker)) > dropped) return 'dropped' as const;
        return undefined;
      },
      { timeoutMs: 20_000, intervalMs: 25, what: `${broker} ${accountId} ${brokerOrderId} accounted for` },
    );
  }

  const postback = async (payload: Row): Promise<void> => {
    const reply = await stack.sim.admin<{ httpStatus: number }>('/_sim/kite/postback', {
      payload,
      checksum: 'auto',
    });
    expect(reply.httpStatus).toBe(200);
  };
  /** The ticker's copy of an update: the same order row, `checksum` empty (Kite signs only postbacks). */
  const tickerFrame = async (payload: Row): Promise<void> => {
    const frame = { type: 'order', data: { ...payload, checksum: '' } };
    const reply = await stack.sim.admin<{ sent: number }>('/_sim/kite/ws', {
      userId: payload.user_id,
      frame,
    });
    expect(reply.sent).toBe(1);
  };
  const xtsEmit = async (event: string, payload: Row): Promise<void> => {
    const reply = await stack.sim.admin<{ sent: number }>('/_sim/xts/emit', {
      userID: 'JN0001',
      event,
      payload: JSON.stringify(payload),
    });
    expect(reply.sent).toBe(1);
  };

  const order = async (broker: Broker, accountId: string, brokerOrderId: string): Promise<OrderRecord> => {
    const record = await state.getOrder({ broker, accountId, brokerOrderId });
    expect(record).not.toBeNull();
    return record!;
  };
  const positions = (account: AccountRef) => state.listPositions(account);
  /** Everything on the event log, oldest first. */
  const events = async (): Promise<TypedEnvelope[]> =>
    (await redis.xrange(`${stack.prefix}:events`, '-', '+')).map(([, fields]) =>
      parseEnvelope(fields[fields.indexOf('envelope') + 1]),
    );

  describe('XTS (socket order / trade / position events from the fixtures)', () => {
    const base = xtsFixture('xts_socket_order_event_pendingnew.json');
    const id = String(base.AppOrderID);
    const jn = { broker: 'jainam' as const, accountId: 'JN0001' };
    const at = (s: number) => `2025-01-01T10:00:${s}.237162`;
    const orderEvent = (over: Row): Row => ({ ...base, ...over });
    const live = {
      ExchangeOrderID: '1100000012345678',
      ExchangeTransactTime: '2025-01-01T10:00:16+05:30',
      ExchangeTransactTimeAPI: '01-01-2025 10:00:16',
    };
    // The exchange filled 20 of 46 at 2,147.50 when the stop triggered; the rest was cancelled.
    const partial = orderEvent({
      ...live,
      OrderStatus: 'PartiallyFilled',
      CumulativeQuantity: 20,
      LeavesQuantity: 26,
      OrderAverageTradedPrice: '2,147.50',
      OrderAverageTradedPriceAPI: 2147.5,
      LastUpdateDateTime: at(21),
    });
    const trade = {
      ...partial,
      MessageCode: 9005,
      LastTradedPrice: 2147.5,
      LastTradedQuantity: 20,
      LastExecutionTransactTime: at(21),
      LastExecutionTransactTimeAPI: '01-01-2025 10:00:21',
      ExecutionID: '51234567',
      ExecutionReportIndex: 1,
    };

    it('New → PartiallyFilled (+ its trade, twice) → Cancelled keeps exactly the filled quantity', async () => {
      const send = (event: string, payload: Row) =>
        deliver('jainam', 'JN0001', id, () => xtsEmit(event, payload));
      expect(await send('order', base)).toBe('applied');
      expect(
        await send('order', orderEvent({ ...live, OrderStatus: 'New', LastUpdateDateTime: at(16) })),
      ).toBe('applied');
      expect(await send('order', partial)).toBe('applied');
      expect(await send('trade', trade)).toBe('applied');
      // The same execution again (XTS resends after a reconnect): same ExecutionID, one fill.
      expect(await send('trade', { ...trade, SequenceNumber: Number(base.SequenceNumber) + 7 })).toBe(
        'dropped',
      );
      // Broker position and product-conversion events are not ours to apply: the state is portfolio-manager's.
      await xtsEmit('position', xtsFixture('xts_socket_position_event_doc.json'));
      await xtsEmit('tradeConversion', xtsFixture('xts_socket_tradeconversion_event_doc.json'));
      expect(
        await send(
          'order',
          orderEvent({
            ...partial,
            OrderStatus: 'Cancelled',
            // XTS does not zero LeavesQuantity on a cancel.
            LeavesQuantity: 26,
            CancelRejectReason: 'Cancelled by user ',
            LastUpdateDateTime: at(40),
          }),
        ),
      ).toBe('applied');

      const record = await order('jainam', 'JN0001', id);
      expect(record.order).toMatchObject({
        status: 'CANCELLED',
        brokerStatus: 'Cancelled',
        symbol: 'MUTHOOTFIN',
        exchange: 'NSE',
        side: 'SELL',
        product: 'MIS',
        orderType: 'SL-M',
        quantity: 46,
        triggerPrice: 2148.35,
        filledQuantity: 20,
        pendingQuantity: 0,
        averagePrice: 2147.5,
        exchangeOrderId: '1100000012345678',
        clientTag: 'zaooZdki',
        statusMessage: 'Cancelled by user',
        brokerTimestamp: parseBrokerTime(at(40)),
      });
      expect(record.overfilled).toBe(false);
      expect(record.fills).toEqual([
        expect.objectContaining({
          source: 'trade',
          ref: '51234567',
          side: 'SELL',
          quantity: 20,
          price: 2147.5,
          time: parseBrokerTime(at(21)),
        }),
      ]);
      const trades = await state.listTrades(jn);
      expect(trades.filter((f) => f.brokerOrderId === id)).toHaveLength(1);
      const held = await positions(jn);
      // The broker's own position event (ACC) is not applied: positions come from our fills only.
      expect(held.map((p) => p.symbol)).toEqual(['MUTHOOTFIN']);
      expect(held).toEqual([
        expect.objectContaining({
          symbol: 'MUTHOOTFIN',
          exchange: 'NSE',
          product: 'MIS',
          netQuantity: -20,
          averagePrice: 2147.5,
          realizedPnl: 0,
          dayBuyQuantity: 0,
          daySellQuantity: 20,
          daySellValue: 42950,
        }),
      ]);
    });

    it('the trade before its order update gives the same fills (execution ahead of the state)', async () => {
      const other = String(Number(id) + 1);
      const send = (event: string, payload: Row) =>
        deliver('jainam', 'JN0001', other, () => xtsEmit(event, payload));
      const mine = (p: Row): Row => ({ ...p, AppOrderID: Number(other) });
      expect(await send('trade', mine({ ...trade, ExecutionID: '51234568' }))).toBe('applied');
      // Before its order state arrives, the order is not shown, but the execution is kept.
      expect(await state.getOrder({ ...jn, brokerOrderId: other })).toBeNull();
      expect(await send('order', mine(partial))).toBe('applied');
      expect(await send('order', mine(base))).toBe('applied');
      const record = await order('jainam', 'JN0001', other);
      expect(record.order).toMatchObject({
        status: 'PARTIALLY_FILLED',
        filledQuantity: 20,
        averagePrice: 2147.5,
      });
      expect(record.fills.map((f) => [f.source, f.ref, f.quantity, f.price])).toEqual([
        ['trade', '51234568', 20, 2147.5],
      ]);
    });

    it('the order book row of the XTS docs (same 9004 shape) over the socket: a live order with nothing traded', async () => {
      const envelope = xtsFixture('xts_rest_orderbook_response.json') as { result: Row[] };
      const row = envelope.result[0];
      const rowId = String(row.AppOrderID);
      expect(await deliver('jainam', 'JN0001', rowId, () => xtsEmit('order', row))).toBe('applied');
      // The sample says LeavesQuantity 1 and an average of 250.40 for 15 ordered and none traded.
      const live = {
        status: 'OPEN',
        brokerStatus: 'New',
        symbol: '16921',
        side: 'BUY',
        product: 'NRML',
        quantity: 15,
        price: 254.55,
        filledQuantity: 0,
        pendingQuantity: 15,
        averagePrice: 0,
        clientTag: '123abc',
        exchangeOrderId: '1005239196374108',
        exchangeTimestamp: parseBrokerTime('14-05-2021 11:17:30'),
      };
      const published = (await events()).filter(
        (e): e is TypedEnvelope<'order.updated'> => e.type === 'order.updated' && e.key === rowId,
      );
      expect(published.map((e) => e.data.order)).toEqual([expect.objectContaining(live)]);
      const record = await order('jainam', 'JN0001', rowId);
      expect(record.order).toMatchObject(live);
      expect(record.fills).toEqual([]);
    });
  });

  describe('Kite (order_info.json / orders.json rows as postbacks and ticker frames)', () => {
    const history = kiteRows('order_info.json');
    const id = String(history[0].order_id);
    // The order's own history, 10 shares instead of 1 so that it can fill in parts.
    const kiteRow = (row: Row, userId: string, over: Row = {}): Row => ({
      ...row,
      quantity: 10,
      pending_quantity: 10 - Number(over.filled_quantity ?? row.filled_quantity ?? 0),
      ...over,
      user_id: userId,
      unfilled_quantity: 10 - Number(over.filled_quantity ?? row.filled_quantity ?? 0),
      app_id: 1,
    });

    it('OPEN → UPDATE (two partial fills) → CANCELLED over postback and ticker: exact fills, one per increase', async () => {
      const send = (via: 'postback' | 'ticker', payload: Row) =>
        deliver('zerodha', 'AB1234', id, () =>
          via === 'postback' ? postback(payload) : tickerFrame(payload),
        );
      // The whole recorded history (placed, validated, opened, modified), channels alternating.
      for (const [i, row] of history.entries())
        await send(i % 2 ? 'ticker' : 'postback', kiteRow(row, 'AB1234'));
      const last = history[history.length - 1];
      const update = (filled: number, average: number, time: string): Row =>
        kiteRow(last, 'AB1234', {
          status: 'UPDATE',
          filled_quantity: filled,
          average_price: average,
          exchange_update_timestamp: time,
        });
      const first = update(4, 300.1, '2017-12-29 11:09:30');
      const second = update(6, 300.05, '2017-12-29 11:10:05');
      const cancelled = kiteRow(last, 'AB1234', {
        status: 'CANCELLED',
        filled_quantity: 6,
        average_price: 300.05,
        cancelled_quantity: 4,
        // Kite leaves pending_quantity on a cancelled order.
        pending_quantity: 4,
        exchange_update_timestamp: '2017-12-29 11:12:00',
      });
      expect(await send('ticker', first)).toBe('applied');
      expect(await send('postback', first)).toBe('dropped');
      expect(await send('postback', second)).toBe('applied');
      expect(await send('ticker', second)).toBe('dropped');
      expect(await send('ticker', cancelled)).toBe('applied');
      expect(await send('postback', cancelled)).toBe('dropped');

      const ab = { broker: 'zerodha' as const, accountId: 'AB1234' };
      const record = await order('zerodha', 'AB1234', id);
      expect(record.order).toMatchObject({
        status: 'CANCELLED',
        brokerStatus: 'CANCELLED',
        symbol: 'SBIN',
        side: 'BUY',
        product: 'CNC',
        quantity: 10,
        price: 300.1,
        filledQuantity: 6,
        pendingQuantity: 0,
        averagePrice: 300.05,
        exchangeOrderId: '1300000001887410',
        exchangeTimestamp: parseBrokerTime('2017-12-29 11:12:00'),
      });
      expect(record.fills.map((f) => [f.source, f.ref, f.quantity, f.price, f.time])).toEqual([
        ['cumulative', '0-4', 4, 300.1, parseBrokerTime('2017-12-29 11:09:30')],
        ['cumulative', '4-6', 2, 299.95, parseBrokerTime('2017-12-29 11:10:05')],
      ]);
      expect((await state.listTrades(ab)).filter((f) => f.brokerOrderId === id)).toHaveLength(2);
      expect((await positions(ab)).find((p) => p.symbol === 'SBIN')).toMatchObject({
        exchange: 'NSE',
        product: 'CNC',
        netQuantity: 6,
        averagePrice: 300.05,
        dayBuyQuantity: 6,
        dayBuyValue: 1800.3,
        realizedPnl: 0,
      });
    });

    it('COMPLETE before the partial UPDATE ends in the same state as the updates in order', async () => {
      // orders.json[1]: IOC, a LIMIT BUY at 109.40 that completed; here 10 shares in two fills.
      const row = kiteRows('orders.json')[1];
      const complete = (userId: string): Row =>
        kiteRow(row, userId, { status: 'COMPLETE', filled_quantity: 10, average_price: 109.22 });
      const partialUpdate = (userId: string): Row =>
        kiteRow(row, userId, {
          status: 'UPDATE',
          filled_quantity: 4,
          average_price: 109.1,
          exchange_update_timestamp: '2021-05-31 15:20:27',
        });
      const open = (userId: string): Row =>
        kiteRow(row, userId, {
          status: 'OPEN',
          filled_quantity: 0,
          average_price: 0,
          exchange_update_timestamp: '2021-05-31 15:20:26',
        });
      const oid = String(row.order_id);
      const inOrder = (via: 'postback' | 'ticker', p: Row) =>
        deliver('zerodha', 'AB1234', oid, () => (via === 'postback' ? postback(p) : tickerFrame(p)));
      const reversed = (via: 'postback' | 'ticker', p: Row) =>
        deliver('zerodha', 'CD5678', oid, () => (via === 'postback' ? postback(p) : tickerFrame(p)));
      for (const [via, p] of [
        ['postback', open('AB1234')],
        ['ticker', partialUpdate('AB1234')],
        ['postback', complete('AB1234')],
      ] as const)
        expect(await inOrder(via, p)).toBe('applied');
      for (const [via, p] of [
        ['ticker', complete('CD5678')],
        ['postback', partialUpdate('CD5678')],
        ['ticker', open('CD5678')],
        ['postback', complete('CD5678')],
      ] as const)
        await reversed(via, p);

      const a = await order('zerodha', 'AB1234', oid);
      const b = await order('zerodha', 'CD5678', oid);
      expect(a.order).toMatchObject({
        status: 'FILLED',
        filledQuantity: 10,
        pendingQuantity: 0,
        averagePrice: 109.22,
      });
      expect(a.fills.map((f) => [f.ref, f.quantity, f.price])).toEqual([
        ['0-4', 4, 109.1],
        ['4-10', 6, 109.3],
      ]);
      const withoutAccount = <T extends { accountId: string }>({ accountId: _a, ...rest }: T) => rest;
      expect(withoutAccount(b.order)).toEqual(withoutAccount(a.order));
      expect(b.fills.map(withoutAccount)).toEqual(a.fills.map(withoutAccount));
      const ioc = async (accountId: string) => {
        const p = (await positions({ broker: 'zerodha', accountId })).find((x) => x.symbol === 'IOC');
        expect(p).toBeDefined();
        const { accountId: _a, version: _v, ...rest } = p!;
        return rest;
      };
      expect(await ioc('CD5678')).toEqual(await ioc('AB1234'));
      expect(await ioc('AB1234')).toMatchObject({
        netQuantity: 10,
        averagePrice: 109.22,
        dayBuyValue: 1092.2,
      });
    });
  });
});
