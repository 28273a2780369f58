import {
  BrokerAuthError,
  JainamAdapter,
  StaticInstrumentResolver,
  XtsRestClient,
  standardXtsEndpoints,
  type BrokerAdapterEvent,
} from '../src';
import { startBrokerSimProcess, type BrokerSimProcess } from '@fillwire/testing';
import { EventCollector, farBelow, isOrder, isState } from './event-collector';

/** JainamAdapter (axios REST + socket.io-client v2, EIO=3) against the XTS simulator. */
describe('JainamAdapter against the XTS simulator', () => {
  let sim: BrokerSimProcess;
  let adapter: JainamAdapter;
  const events = new EventCollector();
  const instruments = new StaticInstrumentResolver([
    { exchange: 'NSE', symbol: 'SBIN', xtsInstrumentId: 3045 },
    { exchange: 'NSE', symbol: 'RELIANCE', xtsInstrumentId: 2885 },
    { exchange: 'NSE', symbol: 'INFY', xtsInstrumentId: 1594 },
  ]);
  const options = () => ({ accountId: 'JN0001', baseUrl: sim.xtsUrl, appKey: 'xts-demo', secretKey: 'demo-secret', instruments, timeoutMs: 5_000 });

  beforeAll(async () => {
    sim = await startBrokerSimProcess({
      SIM_PARTIAL_FILL_PROBABILITY: '1',
      SIM_KITE_RATE_LIMIT: '0',
      SIM_XTS_RATE_LIMIT: '0',
    });
    adapter = new JainamAdapter(options());
    adapter.setSink(events);
  });

  afterAll(async () => {
    await adapter?.disconnect();
    await sim?.stop();
  });

  const price = async (symbol: string) => {
    const list = await sim.admin<Array<{ tradingsymbol: string; exchange: string; lastPrice: number }>>('/_sim/instruments');
    return list.find((i) => i.tradingsymbol === symbol && i.exchange === 'NSE')!.lastPrice;
  };
  const isTrade = (orderId: string) => (e: BrokerAdapterEvent): e is Extract<BrokerAdapterEvent, { type: 'broker.trade' }> =>
    e.type === 'broker.trade' && e.data.trade.brokerOrderId === orderId;

  it('logs in once and joins the interactive socket (EIO=3)', async () => {
    await adapter.connect();
    expect(adapter.connectionState).toBe('connected');
    expect(adapter.rest.loginCount).toBe(1);
  });

  it('never logs in twice concurrently (a second XTS login kills the first)', async () => {
    const before = adapter.rest.loginCount;
    const client = new XtsRestClient({ endpoints: standardXtsEndpoints(sim.xtsUrl), appKey: 'xts-demo', secretKey: 'demo-secret' });
    const [a, b, c] = await Promise.all([client.login(), client.login(), client.ensureSession()]);
    expect(client.loginCount).toBe(1);
    expect(new Set([a.token, b.token, c.token]).size).toBe(1);
    expect(adapter.rest.loginCount).toBe(before);
    // That other login replaced our session: the socket is told, the gateway decides what to do.
    await events.next(isState('logged-out'), 10_000, 'logout after a second login');
    await adapter.relogin();
    await adapter.connectSocket();
    expect(adapter.connectionState).toBe('connected');
  });

  it('places a MARKET order: socket order, trade and position events, normalized', async () => {
    const ack = await adapter.placeOrder({ accountId: 'JN0001', symbol: 'SBIN', exchange: 'NSE', side: 'BUY', quantity: 20, orderType: 'MARKET', product: 'MIS', tag: 'e2exts1' });
    expect(ack).toMatchObject({ broker: 'jainam', brokerOrderId: expect.stringMatching(/^\d+$/) });
    const filled = await events.next(isOrder(ack.brokerOrderId, 'FILLED'), 15_000, 'FILLED order event');
    expect(filled.data.order).toMatchObject({ symbol: 'SBIN', exchange: 'NSE', side: 'BUY', filledQuantity: 20, pendingQuantity: 0, clientTag: 'e2exts1' });
    expect(filled.data.meta.channel).toBe('socket');
    expect(Math.abs(filled.data.order.brokerTimestamp! - Date.now())).toBeLessThan(120_000);
    const tradedQuantity = () =>
      events.events.filter(isTrade(ack.brokerOrderId)).reduce((sum, e) => sum + e.data.trade.quantity, 0);
    await events.next((e): e is Extract<BrokerAdapterEvent, { type: 'broker.trade' }> => isTrade(ack.brokerOrderId)(e) && tradedQuantity() === 20, 10_000, 'all trade events');
    await events.next((e): e is Extract<BrokerAdapterEvent, { type: 'broker.position' }> => e.type === 'broker.position' && e.data.position.symbol === 'SBIN', 10_000, 'position event');

    const socketTrades = events.events.filter(isTrade(ack.brokerOrderId)).map((e) => e.data.trade);
    expect(socketTrades.reduce((s, t) => s + t.quantity, 0)).toBe(20);
    const bookTrades = (await adapter.getTrades()).filter((t) => t.brokerOrderId === ack.brokerOrderId);
    expect(bookTrades.map((t) => t.tradeId).sort()).toEqual(socketTrades.map((t) => t.tradeId).sort());
    expect((await adapter.getOrderBook()).find((o) => o.brokerOrderId === ack.brokerOrderId)?.status).toBe('FILLED');
    const positions = await adapter.getPositions();
    expect(positions.find((p) => p.symbol === 'SBIN' && p.product === 'MIS')?.netQuantity).toBe(20);
  });

  it('modifies and cancels a LIMIT order; history oldest first; cancelled leaves nothing pending', async () => {
    const limit = farBelow(await price('INFY'));
    const ack = await adapter.placeOrder({ accountId: 'JN0001', symbol: 'INFY', exchange: 'NSE', side: 'BUY', quantity: 4, orderType: 'LIMIT', product: 'CNC', price: limit });
    await events.next(isOrder(ack.brokerOrderId, 'OPEN'), 10_000, 'OPEN');
    const lower = Number((limit - 1).toFixed(2));
    await adapter.modifyOrder({ accountId: 'JN0001', brokerOrderId: ack.brokerOrderId, price: lower, quantity: 6 });
    await adapter.cancelOrder({ accountId: 'JN0001', brokerOrderId: ack.brokerOrderId });
    const cancelled = await events.next(isOrder(ack.brokerOrderId, 'CANCELLED'), 10_000, 'CANCELLED');
    expect(cancelled.data.order).toMatchObject({ pendingQuantity: 0, quantity: 6, price: lower });
    const history = await adapter.getOrderHistory(ack.brokerOrderId);
    expect(history[0].status).toBe('PENDING');
    expect(history.at(-1)!.status).toBe('CANCELLED');
  });

  it('re-logs in once on an invalid token (HTTP 200 type:error) and retries; without relogin it is an auth error', async () => {
    const noRelogin = new JainamAdapter({ ...options(), socket: false, reloginOnAuthError: false });
    noRelogin.rest.setSession({ token: 'dead-token', userID: 'JN0001', isInvestorClient: true, clientCodes: [] });
    await expect(noRelogin.getOrderBook()).rejects.toBeInstanceOf(BrokerAuthError);

    const replacedAt = Date.now();
    const relogging = new JainamAdapter({ ...options(), socket: false });
    relogging.rest.setSession({ token: 'dead-token', userID: 'JN0001', isInvestorClient: true, clientCodes: [] });
    await expect(relogging.getOrderBook()).resolves.toEqual(expect.any(Array));
    expect(relogging.rest.loginCount).toBe(1);
    // That login replaced the main adapter's session: put it back for the next test.
    await events.next(isState('logged-out', replacedAt), 10_000, 'logout');
    await adapter.relogin();
    await adapter.connectSocket();
  });

  it('reconnects after a simulator-forced disconnect and receives updates again', async () => {
    const before = Date.now();
    await sim.admin('/_sim/faults', { channel: 'xts-socket', disconnect: true });
    await events.next(isState('disconnected', before), 10_000, 'disconnect');
    await adapter.connectSocket();
    expect(adapter.connectionState).toBe('connected');
    const ack = await adapter.placeOrder({ accountId: 'JN0001', symbol: 'RELIANCE', exchange: 'NSE', side: 'SELL', quantity: 3, orderType: 'MARKET', product: 'MIS' });
    await events.next(isOrder(ack.brokerOrderId, 'FILLED'), 15_000, 'FILLED after reconnect');
  });
});
