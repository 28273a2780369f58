import { BrokerAuthError, BrokerInputError, PaperAdapter, ZerodhaAdapter, type BrokerAdapterEvent } from '../src';
import { startBrokerSimProcess, type BrokerSimProcess } from '@fillwire/testing';
import { EventCollector, farBelow, isOrder, isState } from './event-collector';

/** ZerodhaAdapter (official kiteconnect client + our ticker stream) against the Kite simulator. */
describe('ZerodhaAdapter against the Kite simulator', () => {
  let sim: BrokerSimProcess;
  let adapter: ZerodhaAdapter;
  const events = new EventCollector();

  beforeAll(async () => {
    sim = await startBrokerSimProcess({
      SIM_PARTIAL_FILL_PROBABILITY: '1',
      SIM_KITE_RATE_LIMIT: '0',
      SIM_XTS_RATE_LIMIT: '0',
    });
    adapter = new ZerodhaAdapter({
      accountId: 'AB1234',
      apiKey: 'kite-demo',
      apiSecret: 'demo-secret',
      rootUrl: sim.kiteUrl,
      wsUrl: sim.env.KITE_WS_URL,
      stream: { initialBackoffMs: 100, maxBackoffMs: 1_000, livenessMs: 5_000 },
    });
    adapter.setSink(events);
  });

  afterAll(async () => {
    await adapter?.disconnect();
    await sim?.stop();
  });

  const sbinPrice = async () => {
    const instruments = await sim.admin<Array<{ tradingsymbol: string; exchange: string; lastPrice: number }>>('/_sim/instruments');
    return instruments.find((i) => i.tradingsymbol === 'SBIN' && i.exchange === 'NSE')!.lastPrice;
  };

  it('exchanges a request token for a session and connects the ticker', async () => {
    const session = await adapter.generateSession('AB1234');
    expect(session.userId).toBe('AB1234');
    await adapter.connect();
    expect(adapter.streamState).toBe('connected');
    await events.next((e): e is Extract<BrokerAdapterEvent, { type: 'broker.account' }> => e.type === 'broker.account');
  });

  it('places a MARKET order that fills in parts, pushed over the ticker with exact ids and IST times', async () => {
    const ack = await adapter.placeOrder({ accountId: 'AB1234', symbol: 'SBIN', exchange: 'NSE', side: 'BUY', quantity: 30, orderType: 'MARKET', product: 'MIS', tag: 'e2ekite1' });
    expect(ack.brokerOrderId).toMatch(/^\d{15,19}$/);
    const filled = await events.next(isOrder(ack.brokerOrderId, 'FILLED'), 15_000, 'FILLED update');
    const order = filled.data.order;
    expect(order).toMatchObject({ broker: 'zerodha', accountId: 'AB1234', symbol: 'SBIN', side: 'BUY', filledQuantity: 30, pendingQuantity: 0, clientTag: 'e2ekite1' });
    expect(filled.data.meta.channel).toBe('ticker');
    // IST wire time read back to epoch: a zone slip would be off by hours.
    expect(Math.abs(order.brokerTimestamp! - Date.now())).toBeLessThan(120_000);
    expect(events.events.some(isOrder(ack.brokerOrderId, 'PARTIALLY_FILLED'))).toBe(true);

    const book = await adapter.getOrderBook();
    expect(book.find((o) => o.brokerOrderId === ack.brokerOrderId)).toMatchObject({ status: 'FILLED', averagePrice: order.averagePrice });
    const trades = (await adapter.getTrades()).filter((t) => t.brokerOrderId === ack.brokerOrderId);
    expect(trades.length).toBeGreaterThan(1);
    expect(trades.reduce((sum, t) => sum + t.quantity, 0)).toBe(30);
    expect(new Set(trades.map((t) => t.tradeId)).size).toBe(trades.length);
    const positions = await adapter.getPositions();
    expect(positions.find((p) => p.symbol === 'SBIN' && p.scope === 'net' && p.product === 'MIS')?.netQuantity).toBe(30);
  });

  it('modifies and cancels a working LIMIT order; the history lists every state oldest first', async () => {
    const price = farBelow(await sbinPrice());
    const ack = await adapter.placeOrder({ accountId: 'AB1234', symbol: 'SBIN', exchange: 'NSE', side: 'BUY', quantity: 5, orderType: 'LIMIT', product: 'CNC', price });
    const lower = Number((price - 1).toFixed(2));
    await expect(adapter.modifyOrder({ accountId: 'AB1234', brokerOrderId: ack.brokerOrderId, price: lower })).resolves.toMatchObject({ brokerOrderId: ack.brokerOrderId });
    // A modify is only requested until the broker confirms it; cancel after that, as a trader would.
    const ofOrder = isOrder(ack.brokerOrderId);
    const modified = (e: BrokerAdapterEvent): e is Extract<BrokerAdapterEvent, { type: 'broker.order' }> =>
      ofOrder(e) && e.data.order.price === lower;
    await events.next(modified, 15_000, 'modification confirmed');
    await adapter.cancelOrder({ accountId: 'AB1234', brokerOrderId: ack.brokerOrderId });
    const cancelled = await events.next(isOrder(ack.brokerOrderId, 'CANCELLED'), 15_000, 'CANCELLED update');
    expect(cancelled.data.order).toMatchObject({ pendingQuantity: 0, filledQuantity: 0, price: lower });
    const history = await adapter.getOrderHistory(ack.brokerOrderId);
    expect(history[0].status).toBe('PENDING');
    expect(history.at(-1)!.status).toBe('CANCELLED');
    expect(history.map((h) => h.brokerStatus)).toContain('MODIFIED');
  });

  it('turns broker refusals into typed errors', async () => {
    await expect(adapter.placeOrder({ accountId: 'AB1234', symbol: 'SBIN', exchange: 'NSE', side: 'BUY', quantity: 1, orderType: 'LIMIT', product: 'CNC' })).rejects.toBeInstanceOf(BrokerInputError);
    await expect(adapter.cancelOrder({ accountId: 'AB1234', brokerOrderId: '999999999999999' })).rejects.toBeInstanceOf(BrokerInputError);
    const stale = new ZerodhaAdapter({ accountId: 'AB1234', apiKey: 'kite-demo', accessToken: 'not-a-token', rootUrl: sim.kiteUrl });
    await expect(stale.getOrderBook()).rejects.toBeInstanceOf(BrokerAuthError);
  });

  it('reconnects the ticker after a simulator-forced disconnect and keeps receiving updates', async () => {
    const before = Date.now();
    await sim.admin('/_sim/faults', { channel: 'ticker', disconnect: true });
    await events.next(isState('disconnected', before), 10_000, 'ticker disconnect');
    await events.next(isState('connected', before), 15_000, 'ticker reconnect');
    const ack = await adapter.placeOrder({ accountId: 'AB1234', symbol: 'RELIANCE', exchange: 'NSE', side: 'SELL', quantity: 2, orderType: 'MARKET', product: 'MIS' });
    await events.next(isOrder(ack.brokerOrderId, 'FILLED'), 15_000, 'FILLED after reconnect');
  });

  it('paper trading fills from the same matching engine, labelled paper', async () => {
    const paperEvents = new EventCollector();
    const paper = new PaperAdapter({ accountId: 'paper-demo2', simUserId: 'CD5678', simulatorUrl: sim.kiteUrl, simulatorWsUrl: sim.env.KITE_WS_URL });
    paper.setSink(paperEvents);
    try {
      await paper.connect();
      const ack = await paper.placeOrder({ accountId: 'paper-demo2', symbol: 'INFY', exchange: 'NSE', side: 'BUY', quantity: 3, orderType: 'MARKET', product: 'CNC' });
      expect(ack.broker).toBe('paper');
      const filled = await paperEvents.next(isOrder(ack.brokerOrderId, 'FILLED'), 15_000, 'paper fill');
      expect(filled.data.order).toMatchObject({ broker: 'paper', accountId: 'paper-demo2', filledQuantity: 3 });
      expect((await paper.getTrades()).every((t) => t.broker === 'paper')).toBe(true);
    } finally {
      await paper.disconnect();
    }
  });
});
