import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  compareOrderState,
  parseBrokerTime,
  type CanonicalOrder,
  type TypedEnvelope,
} from '@fillwire/events';
import { startBrokerSimProcess, type BrokerSimProcess } from '@fillwire/testing';
import { startGateway, type GatewayHarness } from './gateway-harness';

jest.setTimeout(60_000);

const FIXTURES = '/work/shared/fixtures/xts';
type OrderEnvelope = TypedEnvelope<'order.updated'>;
type TradeEnvelope = TypedEnvelope<'trade.executed'>;
const ordersOf = (log: TypedEnvelope[], id: string) =>
  log.filter((e): e is OrderEnvelope => e.type === 'order.updated' && e.data.order.brokerOrderId === id);
const tradesOf = (log: TypedEnvelope[], id: string) =>
  log.filter((e): e is TradeEnvelope => e.type === 'trade.executed' && e.data.brokerOrderId === id);
const counter = (metrics: string, name: string, labels: string) =>
  Number(
    metrics
      .split('\n')
      .find((l) => l.startsWith(`${name}{`) && labels.split(',').every((p) => l.includes(p)))
      ?.split(' ')
      .pop() ?? 0,
  );

interface SimTruth {
  orders: Array<{
    orderId: string;
    broker: string;
    state: string;
    filledQuantity: number;
    quantity: number;
    trades: Array<{ tradeId: string; quantity: number }>;
    history: Array<{ state: string }>;
  }>;
}

/** XTS socket → normalized events on `<prefix>:events`, against the simulator over real socket.io. */
describe('jainam-gateway: XTS socket to the event log', () => {
  let sim: BrokerSimProcess;
  let gw: GatewayHarness;

  beforeAll(async () => {
    sim = await startBrokerSimProcess({ SIM_TICK_MS: '0', SIM_PARTIAL_FILL_PROBABILITY: '0' });
    gw = await startGateway({ XTS_BASE_URL: sim.xtsUrl });
    await gw.waitForEvents(
      (log) => log.some((e) => e.type === 'broker.connected' && e.data.state === 'synced'),
      'synced',
    );
  });

  afterAll(async () => {
    await gw?.close();
    await sim?.stop();
  });

  afterEach(async () => {
    await sim.admin('/_sim/faults', { reset: true });
  });

  const adapter = () => gw.gateway.account('JN0001')!.adapter;
  const place = (quantity: number, tag: string) =>
    adapter().placeOrder({
      accountId: 'JN0001',
      symbol: 'SBIN',
      exchange: 'NSE',
      side: 'BUY',
      quantity,
      orderType: 'MARKET',
      product: 'MIS',
      tag,
    });
  const truth = async (id: string) =>
    (await sim.admin<SimTruth>('/_sim/orders?userId=JN0001')).orders.find((o) => o.orderId === id)!;

  it('is ready once synced, with the account on /ready and the state gauge', async () => {
    const ready = await gw.ready();
    expect(ready.status).toBe(200);
    expect(ready.body.checks['jainam:JN0001']).toMatchObject({ ok: true });
    expect(
      counter(await gw.metrics(), 'fillwire_gateway_connection_state', 'account="JN0001",state="synced"'),
    ).toBe(1);
  });

  it('a simulator fill reaches the log normalized, each trade once', async () => {
    const ack = await place(15, 'jgfill1');
    const log = await gw.waitForEvents(
      (l) =>
        ordersOf(l, ack.brokerOrderId).some((e) => e.data.order.status === 'FILLED') &&
        tradesOf(l, ack.brokerOrderId).reduce((s, t) => s + t.data.quantity, 0) === 15,
      'FILLED and its trades',
    );
    const filled = ordersOf(log, ack.brokerOrderId).find((e) => e.data.order.status === 'FILLED')!;
    expect(filled).toMatchObject({
      source: 'jainam-gateway',
      channel: 'socket',
      userId: 'demo',
      accountId: 'JN0001',
      broker: 'jainam',
      key: ack.brokerOrderId,
      data: {
        order: {
          symbol: 'SBIN',
          exchange: 'NSE',
          side: 'BUY',
          product: 'MIS',
          orderType: 'MARKET',
          quantity: 15,
          filledQuantity: 15,
          pendingQuantity: 0,
          clientTag: 'jgfill1',
        },
      },
    });
    expect(filled.data.order.averagePrice).toBeGreaterThan(0);
    expect(filled.receivedAt).toBeGreaterThan(Date.now() - 60_000);
    expect(filled.id).toMatch(/^jainam-o-[0-9a-f]{32}$/);
    const simOrder = await truth(ack.brokerOrderId);
    const trades = tradesOf(log, ack.brokerOrderId);
    expect(trades.map((t) => t.data.tradeId).sort()).toEqual(simOrder.trades.map((t) => t.tradeId).sort());
    expect(new Set(trades.map((t) => t.id)).size).toBe(trades.length);
    expect(trades[0]).toMatchObject({
      channel: 'socket',
      userId: 'demo',
      data: { broker: 'jainam', accountId: 'JN0001', symbol: 'SBIN', side: 'BUY', product: 'MIS' },
    });
  });

  it('duplicates injected on the socket become one event each, counted', async () => {
    await sim.admin('/_sim/faults', { channel: 'xts-socket', duplicate: 1 });
    const before = counter(
      await gw.metrics(),
      'fillwire_gateway_duplicates_dropped_total',
      'account="JN0001"',
    );
    const ack = await place(5, 'jgdup1');
    const log = await gw.waitForEvents(
      (l) =>
        ordersOf(l, ack.brokerOrderId).some((e) => e.data.order.status === 'FILLED') &&
        tradesOf(l, ack.brokerOrderId).length > 0,
      'FILLED',
    );
    const orders = ordersOf(log, ack.brokerOrderId);
    expect(new Set(orders.map((e) => e.id)).size).toBe(orders.length);
    expect(tradesOf(log, ack.brokerOrderId)).toHaveLength((await truth(ack.brokerOrderId)).trades.length);
    const after = counter(
      await gw.metrics(),
      'fillwire_gateway_duplicates_dropped_total',
      'account="JN0001"',
    );
    expect(after).toBeGreaterThan(before);
  });

  it('reordered socket updates: all states published, the lower ones marked stale', async () => {
    await sim.admin('/_sim/faults', { channel: 'xts-socket', reorder: 3 });
    const ack = await place(7, 'jgreo1');
    const log = await gw.waitForEvents(
      (l) => ordersOf(l, ack.brokerOrderId).some((e) => e.data.order.status === 'FILLED'),
      'FILLED',
    );
    expect((await truth(ack.brokerOrderId)).state).toBe('complete');
    const orders = ordersOf(log, ack.brokerOrderId);
    // Each event is stale exactly when a state published before it was newer.
    let latest: CanonicalOrder | null = null;
    for (const e of orders) {
      const stale = latest !== null && compareOrderState(latest, e.data.order) === 'stale';
      expect(e.data.stale ?? false).toBe(stale);
      if (!stale) latest = e.data.order;
    }
    expect(latest?.status).toBe('FILLED');
  });

  it('a state older than one already published is passed on marked stale (replayed by /_sim/xts/emit)', async () => {
    const base = JSON.parse(
      readFileSync(join(FIXTURES, 'xts_socket_order_event_pendingnew.json'), 'utf8'),
    ) as Record<string, unknown>;
    const row = (status: string, cumulative: number, at: string) => ({
      ...base,
      AppOrderID: 1910000001,
      OrderStatus: status,
      CumulativeQuantity: cumulative,
      LeavesQuantity: 46 - cumulative,
      LastUpdateDateTime: at,
      OrderAverageTradedPriceAPI: cumulative ? 2150 : 'NaN',
      OrderAverageTradedPrice: cumulative ? '2,150.00' : '',
    });
    const emit = (payload: object) =>
      sim.admin('/_sim/xts/emit', { userID: 'JN0001', event: 'order', payload: JSON.stringify(payload) });
    await emit(row('Filled', 46, '2025-01-01T10:00:19.1'));
    await emit(row('New', 0, '2025-01-01T10:00:16.1'));
    await emit(row('PartiallyFilled', 20, '2025-01-01T10:00:17.1'));
    const log = await gw.waitForEvents((l) => ordersOf(l, '1910000001').length === 3, 'three states');
    expect(ordersOf(log, '1910000001').map((e) => [e.data.order.status, e.data.stale ?? false])).toEqual([
      ['FILLED', false],
      ['OPEN', true],
      ['PARTIALLY_FILLED', true],
    ]);
    expect(
      counter(await gw.metrics(), 'fillwire_gateway_stale_updates_total', 'account="JN0001"'),
    ).toBeGreaterThanOrEqual(2);
  });

  it('an order cancelled after a partial fill keeps exactly the filled quantity (LeavesQuantity not zeroed)', async () => {
    const base = JSON.parse(
      readFileSync(join(FIXTURES, 'xts_socket_order_event_pendingnew.json'), 'utf8'),
    ) as Record<string, unknown>;
    const payload = {
      ...base,
      AppOrderID: 1910000002,
      OrderType: 'Limit',
      OrderPrice: 2150,
      OrderQuantity: 225,
      OrderStatus: 'Cancelled',
      CumulativeQuantity: 75,
      LeavesQuantity: 150,
      OrderAverageTradedPrice: '2,149.50',
      CancelRejectReason: 'Cancelled by user ',
    };
    await sim.admin('/_sim/xts/emit', { userID: 'JN0001', event: 'order', payload: JSON.stringify(payload) });
    const log = await gw.waitForEvents((l) => ordersOf(l, '1910000002').length === 1, 'cancelled order');
    expect(ordersOf(log, '1910000002')[0].data.order).toMatchObject({
      status: 'CANCELLED',
      quantity: 225,
      filledQuantity: 75,
      pendingQuantity: 0,
      averagePrice: 2149.5,
      brokerStatus: 'Cancelled',
    });
  });

  it('every XTS socket fixture goes through the full path, correctly normalized', async () => {
    const files = readdirSync(FIXTURES).filter((f) => f.startsWith('xts_socket_'));
    expect(files.length).toBeGreaterThan(0);
    const before = await gw.metrics();
    let orders = 0;
    let positions = 0;
    for (const file of files) {
      const text = readFileSync(join(FIXTURES, file), 'utf8');
      const code = (JSON.parse(text) as { MessageCode?: number }).MessageCode;
      const event = code === 9004 ? 'order' : code === 9005 ? 'trade' : code === 9002 ? 'position' : null;
      if (!event) continue; // tradeConversion (9007) is not an order/trade/position update
      if (event === 'order') orders += 1;
      if (event === 'position') positions += 1;
      await sim.admin('/_sim/xts/emit', {
        userID: 'JN0001',
        event,
        payload: JSON.stringify(JSON.parse(text)),
      });
    }
    expect(orders).toBeGreaterThan(0);
    const log = await gw.waitForEvents((l) => ordersOf(l, '1110037830').length === 1, 'fixture order');
    const e = ordersOf(log, '1110037830')[0];
    expect(e).toMatchObject({ channel: 'socket', userId: 'demo', accountId: 'JN0001' });
    expect(e.data.order).toEqual({
      broker: 'jainam',
      accountId: 'JN0001',
      brokerOrderId: '1110037830',
      exchangeOrderId: null,
      clientTag: 'zaooZdki',
      symbol: 'MUTHOOTFIN',
      exchange: 'NSE',
      side: 'SELL',
      product: 'MIS',
      orderType: 'SL-M',
      quantity: 46,
      price: 0,
      triggerPrice: 2148.35,
      filledQuantity: 0,
      pendingQuantity: 46,
      averagePrice: 0,
      status: 'PENDING',
      statusMessage: null,
      brokerStatus: 'PendingNew',
      brokerTimestamp: parseBrokerTime('2025-01-01T10:00:15.237162'),
      exchangeTimestamp: null,
    });
    const after = await gw.metrics();
    const positionsSeen =
      counter(after, 'fillwire_gateway_updates_received_total', 'kind="position",channel="socket"') -
      counter(before, 'fillwire_gateway_updates_received_total', 'kind="position",channel="socket"');
    expect(positionsSeen).toBeGreaterThanOrEqual(positions);
    expect(counter(after, 'fillwire_gateway_unusable_payloads_total', 'account="JN0001"')).toBe(
      counter(before, 'fillwire_gateway_unusable_payloads_total', 'account="JN0001"'),
    );
  });
});
