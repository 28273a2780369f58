import { EventPublisher } from '@fillwire/event-bus';
import { createEnvelope, type CanonicalOrder } from '@fillwire/events';
import { IdentityRepository } from '@fillwire/identity';
import { PortfolioReadRepository } from '@fillwire/portfolio-state';
import {
  freePort,
  startBrokerSimProcess,
  startServiceProcess,
  testPrefix,
  testRedisUrl,
  waitFor,
  type BrokerSimProcess,
  type ServiceProcess,
} from '@fillwire/testing';
import Redis from 'ioredis';
import { KiteConnect } from 'kiteconnect';

interface SimOrder {
  orderId: string;
  userId: string;
  state: string;
  tag: string | null;
  side: string;
  orderType: string;
  quantity: number;
  triggerPrice: number;
  price: number;
  filledQuantity: number;
  product: string;
}

// A Monday in IST: 10:00 for exits and reconciliation, 15:20 (after the NSE cut-off) for square-off.
const MORNING = '2026-01-05T04:30:00Z';
const AFTER_CUTOFF = '2026-01-05T09:50:00Z';

jest.setTimeout(120_000);

describe('portfolio-manager with the simulator, zerodha-postback and the bus', () => {
  let sim: BrokerSimProcess;
  let gateway: ServiceProcess;
  let pm: ServiceProcess;
  let redis: Redis;
  let publisher: EventPublisher;
  let state: PortfolioReadRepository;
  const kite = new Map<string, InstanceType<typeof KiteConnect>>();
  let env: Record<string, string>;

  beforeAll(async () => {
    const redisUrl = await testRedisUrl();
    const prefix = testPrefix('pm-e2e');
    const gatewayPort = await freePort();
    sim = await startBrokerSimProcess({
      ZERODHA_POSTBACK_URL: `http://127.0.0.1:${gatewayPort}/zerodha/postback`,
      SIM_PARTIAL_FILL_PROBABILITY: '0',
      SIM_TICK_MS: '0',
    });
    env = { REDIS_URL: redisUrl, FILLWIRE_PREFIX: prefix, LOG_LEVEL: 'warn', ...sim.env };
    gateway = await startServiceProcess('zerodha-postback', {
      ...env,
      PORT: String(gatewayPort),
      ZERODHA_POLL_AFTER: '60s',
    });
    await gateway.ready();
    pm = await startPm(MORNING);
    redis = new Redis(redisUrl);
    publisher = new EventPublisher({ url: redisUrl, prefix });
    state = new PortfolioReadRepository(redis, { prefix });
    // The demo identity order-api seeds: which accounts exist (reconciliation covers them all).
    const identity = new IdentityRepository(redis, prefix);
    for (const [accountId, userId] of [
      ['AB1234', 'demo'],
      ['CD5678', 'demo2'],
    ])
      await identity.linkAccount({ accountId, userId, broker: 'zerodha', linkedAt: Date.now() });
    for (const user of ['AB1234', 'CD5678']) {
      const client = new KiteConnect({ api_key: 'kite-demo', root: sim.kiteUrl });
      await client.generateSession(user, 'demo-secret');
      kite.set(user, client);
    }
  });
  afterAll(async () => {
    await pm?.stop();
    await gateway?.stop();
    await sim?.stop();
    await publisher?.close();
    await redis?.quit();
  });

  const startPm = async (clockStart: string) => {
    const service = await startServiceProcess('portfolio-manager', {
      ...env,
      PM_CLOCK_START: clockStart,
      RECONCILE_INTERVAL: '2s',
      SQUARE_OFF_CHECK_INTERVAL: '200ms',
      TRAILING_MODIFY_INTERVAL: '200ms',
    });
    await service.ready();
    return service;
  };

  const simOrders = async (userId: string) =>
    (await sim.admin<{ orders: SimOrder[] }>(`/_sim/orders?userId=${userId}`)).orders;
  const lastPrice = async (symbol: string) =>
    (
      await sim.admin<Array<{ tradingsymbol: string; exchange: string; lastPrice: number }>>(
        '/_sim/instruments',
      )
    ).find((i) => i.tradingsymbol === symbol && i.exchange === 'NSE')!.lastPrice;

  /** A MARKET entry through the Kite client and its order.placed on the bus, as order-api does. */
  async function placeEntry(
    userId: string,
    symbol: string,
    quantity: number,
    protection?: object,
  ): Promise<string> {
    const { order_id } = await kite.get(userId)!.placeOrder('regular', {
      exchange: 'NSE',
      tradingsymbol: symbol,
      transaction_type: 'BUY',
      quantity,
      product: 'MIS',
      order_type: 'MARKET',
    });
    const order: CanonicalOrder = {
      broker: 'zerodha',
      accountId: userId,
      brokerOrderId: order_id,
      exchangeOrderId: null,
      clientTag: null,
      symbol,
      exchange: 'NSE',
      side: 'BUY',
      product: 'MIS',
      orderType: 'MARKET',
      quantity,
      price: 0,
      triggerPrice: 0,
      filledQuantity: 0,
      pendingQuantity: quantity,
      averagePrice: 0,
      status: 'PENDING',
      statusMessage: null,
      brokerStatus: 'PUT ORDER REQ RECEIVED',
      brokerTimestamp: null,
      exchangeTimestamp: null,
    };
    await publisher.publish(
      createEnvelope(
        'order.placed',
        { order, userId: 'demo', idempotencyKey: null, ...(protection ? { protection } : {}) },
        { source: 'order-api', channel: 'rest' },
      ),
    );
    return order_id;
  }

  it('entry fills → stop-loss and target placed; trailing stop follows the price; target fills → stop cancelled', async () => {
    const ltp = await lastPrice('SBIN');
    const stopLoss = Math.round((ltp - 10) * 20) / 20;
    const target = Math.round((ltp + 10) * 20) / 20;
    const entryId = await placeEntry('AB1234', 'SBIN', 10, { stopLoss, target, trailing: 10 });

    const legs = await waitFor(
      async () => {
        const orders = await simOrders('AB1234');
        const stop = orders.find((o) => o.tag?.startsWith('sl'));
        const tgt = orders.find((o) => o.tag?.startsWith('tg'));
        return stop && tgt ? { stop, tgt } : undefined;
      },
      { timeoutMs: 20_000, what: 'exit orders at the simulator' },
    );
    expect(legs.stop).toMatchObject({
      side: 'SELL',
      orderType: 'SL-M',
      quantity: 10,
      triggerPrice: stopLoss,
      product: 'MIS',
    });
    expect(legs.tgt).toMatchObject({
      side: 'SELL',
      orderType: 'LIMIT',
      quantity: 10,
      price: target,
      product: 'MIS',
    });
    // Each exit is announced with order.placed naming its entry.
    const record = await waitFor(
      async () =>
        (await state.getOrder({ broker: 'zerodha', accountId: 'AB1234', brokerOrderId: legs.stop.orderId }))
          ?.meta,
      { timeoutMs: 5_000, what: 'exit order.placed applied' },
    );
    expect(record.parentBrokerOrderId).toBe(entryId);

    // The price rises 5: the stop follows it (the Kite ticker's LTP through portfolio-manager).
    await sim.admin('/_sim/price', { tradingsymbol: 'SBIN', exchange: 'NSE', move: 5 });
    const raised = await waitFor(
      async () => {
        const o = (await simOrders('AB1234')).find((x) => x.orderId === legs.stop.orderId)!;
        return o.triggerPrice > stopLoss ? o : undefined;
      },
      { timeoutMs: 15_000, what: 'trailing stop moved' },
    );
    expect(raised.triggerPrice).toBeCloseTo(stopLoss + 5, 2);

    // The target trades: the target fills, the stop is cancelled by automation.
    await sim.admin('/_sim/price', { tradingsymbol: 'SBIN', exchange: 'NSE', price: target + 0.5 });
    await waitFor(
      async () => {
        const orders = await simOrders('AB1234');
        const stop = orders.find((o) => o.orderId === legs.stop.orderId)!;
        const tgt = orders.find((o) => o.orderId === legs.tgt.orderId)!;
        return stop.state === 'cancelled' && tgt.state === 'complete';
      },
      { timeoutMs: 15_000, what: 'OCO: target filled, stop cancelled' },
    );
    const position = await waitFor(
      async () => {
        const p = (await state.listPositions({ broker: 'zerodha', accountId: 'AB1234' })).find(
          (x) => x.symbol === 'SBIN',
        );
        return p && p.netQuantity === 0 && p.daySellQuantity === 10 ? p : undefined;
      },
      { timeoutMs: 10_000, what: 'flat SBIN position' },
    );
    expect(position.realizedPnl).toBeGreaterThan(0);
  });

  it('updates dropped on every channel → reconciliation repairs positions within one cycle and reports the drift', async () => {
    await sim.admin('/_sim/faults', { channels: { postback: { drop: 1 }, ticker: { drop: 1 } } });
    const orderId = await kite.get('AB1234')!.placeOrder('regular', {
      exchange: 'NSE',
      tradingsymbol: 'INFY',
      transaction_type: 'BUY',
      quantity: 7,
      product: 'MIS',
      order_type: 'MARKET',
    });
    await waitFor(
      async () =>
        (await simOrders('AB1234')).some((o) => o.orderId === orderId.order_id && o.state === 'complete'),
      {
        timeoutMs: 10_000,
        what: 'fill at the simulator',
      },
    );
    const started = Date.now();
    const position = await waitFor(
      async () =>
        (await state.listPositions({ broker: 'zerodha', accountId: 'AB1234' })).find(
          (p) => p.symbol === 'INFY' && p.netQuantity === 7,
        ),
      { timeoutMs: 10_000, what: 'INFY position repaired' },
    );
    expect(position.dayBuyQuantity).toBe(7);
    expect(Date.now() - started).toBeLessThan(2_000 + 3_000);
    const timeline = await state.getTimeline({
      broker: 'zerodha',
      accountId: 'AB1234',
      brokerOrderId: orderId.order_id,
    });
    expect(timeline[0]).toMatchObject({
      source: 'portfolio-manager',
      channel: 'reconciliation',
      verdict: 'new',
    });
    // The drift is counted when the account's cycle ends (after the positions are compared).
    await waitFor(
      async () =>
        /fillwire_reconciliation_drift_total\{[^}]*broker="zerodha"[^}]*kind="order"[^}]*\} [1-9]/.test(
          await (await fetch(`${pm.url}/metrics`)).text(),
        ),
      { timeoutMs: 5_000, what: 'drift metric' },
    );
    await sim.admin('/_sim/faults', { reset: true });
  });

  it('MIS square-off after the cut-off (fake clock): open MIS orders cancelled, MIS positions closed', async () => {
    await placeEntry('CD5678', 'RELIANCE', 3);
    const { order_id: openId } = await kite.get('CD5678')!.placeOrder('regular', {
      exchange: 'NSE',
      tradingsymbol: 'RELIANCE',
      transaction_type: 'BUY',
      quantity: 2,
      product: 'MIS',
      order_type: 'LIMIT',
      price: Math.round((await lastPrice('RELIANCE')) * 0.9 * 20) / 20,
    });
    await waitFor(
      async () =>
        (await state.listPositions({ broker: 'zerodha', accountId: 'CD5678' })).some(
          (p) => p.netQuantity === 3,
        ),
      { timeoutMs: 10_000, what: 'RELIANCE position at portfolio-manager' },
    );
    // The same state, a replica whose clock says 15:20 IST on a Monday.
    await pm.stop();
    pm = await startPm(AFTER_CUTOFF);
    await waitFor(
      async () => {
        const orders = await simOrders('CD5678');
        const open = orders.find((o) => o.orderId === openId)!;
        const exit = orders.find((o) => o.tag?.startsWith('sq') && o.side === 'SELL');
        return open.state === 'cancelled' && exit?.state === 'complete' && exit.quantity === 3;
      },
      { timeoutMs: 20_000, what: 'square-off at the simulator' },
    );
    const positions = await state.listPositions({ broker: 'zerodha', accountId: 'CD5678' });
    await waitFor(
      async () =>
        (await state.listPositions({ broker: 'zerodha', accountId: 'CD5678' })).every(
          (p) => p.netQuantity === 0,
        ),
      { timeoutMs: 10_000, what: 'flat MIS positions' },
    );
    expect(positions.length).toBeGreaterThan(0);
  });
});
