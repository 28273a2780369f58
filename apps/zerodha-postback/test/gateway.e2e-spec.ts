import { compareOrderState, type CanonicalOrder, type TypedEnvelope } from '@fillwire/events';
import { freePort, startBrokerSimProcess, waitFor, type BrokerSimProcess } from '@fillwire/testing';
import { KiteConnect } from 'kiteconnect';
import { AppModule } from '../src/app.module';
import { startApp, type RunningApp } from './app-harness';
import { postbackOf } from './kite-payloads';

interface SimSnapshot {
  state: string;
  filledQuantity: number;
}
interface SimOrder {
  orderId: string;
  userId: string;
  broker: string;
  history: SimSnapshot[];
}

const TERMINAL: Record<string, CanonicalOrder['status']> = {
  complete: 'FILLED',
  cancelled: 'CANCELLED',
  rejected: 'REJECTED',
};

type OrderEvent = TypedEnvelope<'order.updated'>;
const orderEvents = (events: TypedEnvelope[]): OrderEvent[] =>
  events.filter((e): e is OrderEvent => e.type === 'order.updated');

describe('zerodha-postback against broker-sim (postbacks + ticker + reconciliation)', () => {
  let sim: BrokerSimProcess;
  let gateway: RunningApp;
  let kite: InstanceType<typeof KiteConnect>;

  beforeAll(async () => {
    const port = await freePort();
    sim = await startBrokerSimProcess({
      ZERODHA_POSTBACK_URL: `http://127.0.0.1:${port}/zerodha/postback`,
      SIM_PARTIAL_FILL_PROBABILITY: '1',
      SIM_TICK_MS: '0',
    });
    gateway = await startApp(
      AppModule,
      {
        KITE_ROOT_URL: sim.kiteUrl,
        KITE_WS_URL: sim.env.KITE_WS_URL,
        ZERODHA_POLL_AFTER: '3s',
        ZERODHA_POLL_INTERVAL: '500ms',
      },
      port,
    );
    kite = new KiteConnect({ api_key: 'kite-demo', root: sim.kiteUrl });
    await kite.generateSession('AB1234', 'demo-secret');
    await waitFor(async () => (await fetch(`${gateway.url}/ready`)).ok, {
      timeoutMs: 15_000,
      what: '/ready',
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await sim?.stop();
  });
  beforeEach(async () => {
    await sim.admin('/_sim/faults', { reset: true });
  });

  const placeMarket = async (quantity: number): Promise<string> => {
    const { order_id } = await kite.placeOrder('regular', {
      exchange: 'NSE',
      tradingsymbol: 'SBIN',
      transaction_type: 'BUY',
      quantity,
      product: 'MIS',
      order_type: 'MARKET',
    });
    return order_id;
  };

  const simOrder = async (orderId: string): Promise<SimOrder | undefined> => {
    const { orders } = await sim.admin<{ orders: SimOrder[] }>('/_sim/orders?userId=AB1234');
    return orders.find((o) => o.orderId === orderId);
  };

  const settled = (orderId: string): Promise<SimOrder> =>
    waitFor(
      async () => {
        const o = await simOrder(orderId);
        return o && o.history.some((s) => TERMINAL[s.state]) ? o : undefined;
      },
      { timeoutMs: 10_000, what: `sim order ${orderId} settled` },
    );

  const eventsOf = async (orderId: string): Promise<OrderEvent[]> =>
    orderEvents(await gateway.events()).filter((e) => e.key === orderId);

  /** Every fill level and the final state of the simulator's order, as (status, filledQuantity). */
  const truthOf = (order: SimOrder): string[] => {
    const out = new Set<string>();
    for (const s of order.history) {
      if (TERMINAL[s.state]) out.add(`${TERMINAL[s.state]}:${s.filledQuantity}`);
      else if (s.filledQuantity > 0) out.add(`PARTIALLY_FILLED:${s.filledQuantity}`);
    }
    return [...out].sort();
  };
  const seenOf = (events: OrderEvent[]): string[] =>
    [
      ...new Set(
        events
          .map((e) => e.data.order)
          .filter((o) => o.filledQuantity > 0 || o.status === 'FILLED' || o.status === 'CANCELLED')
          .map((o) => `${o.status}:${o.filledQuantity}`),
      ),
    ].sort();

  it('puts a simulator fill on the log once per update, normalized, though postback and ticker both deliver it', async () => {
    const orderId = await placeMarket(20);
    const truth = truthOf(await settled(orderId));
    await waitFor(async () => seenOf(await eventsOf(orderId)).join() === truth.join(), {
      timeoutMs: 10_000,
      what: 'every fill on the log',
    });
    const events = await eventsOf(orderId);
    const states = events.map((e) => `${e.data.order.status}:${e.data.order.filledQuantity}`);
    expect(new Set(states).size).toBe(states.length);
    const final = events.find((e) => e.data.order.status === 'FILLED');
    expect(final).toMatchObject({
      source: 'zerodha-postback',
      userId: 'demo',
      accountId: 'AB1234',
      broker: 'zerodha',
      key: orderId,
      data: {
        order: {
          brokerOrderId: orderId,
          symbol: 'SBIN',
          exchange: 'NSE',
          side: 'BUY',
          product: 'MIS',
          orderType: 'MARKET',
          quantity: 20,
          filledQuantity: 20,
          pendingQuantity: 0,
          brokerStatus: 'COMPLETE',
        },
      },
    });
    expect(['postback', 'ticker']).toContain(final?.channel);
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/fillwire_broker_updates_received_total\{[^}]*channel="postback"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/fillwire_broker_updates_received_total\{[^}]*channel="ticker"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/fillwire_broker_updates_duplicates_dropped_total\{[^}]*\} [1-9]/);
  });

  it('keeps one event per update when both channels duplicate every message', async () => {
    await sim.admin('/_sim/faults', {
      channels: { postback: { duplicate: 1 }, ticker: { duplicate: 1 } },
    });
    const orderId = await placeMarket(10);
    const truth = truthOf(await settled(orderId));
    await waitFor(async () => seenOf(await eventsOf(orderId)).join() === truth.join(), {
      timeoutMs: 10_000,
      what: 'every fill on the log',
    });
    const states = (await eventsOf(orderId)).map((e) => e.id);
    expect(new Set(states).size).toBe(states.length);
  });

  it('publishes reordered updates, marking exactly the ones older than a state already seen', async () => {
    await sim.admin('/_sim/faults', { channels: { postback: { reorder: 4 }, ticker: { drop: 1 } } });
    const ids = [await placeMarket(30), await placeMarket(30)];
    for (const id of ids) await settled(id);
    for (const orderId of ids) {
      const truth = truthOf((await simOrder(orderId)) as SimOrder);
      await waitFor(async () => seenOf(await eventsOf(orderId)).join() === truth.join(), {
        timeoutMs: 10_000,
        what: `every fill of ${orderId} on the log`,
      });
    }
    // A raw replay of an old partial fill after the final state: certainly stale.
    const [first] = ids;
    const rows = (await kite.getOrderHistory(first)) as unknown as Array<Record<string, unknown>>;
    const partial = rows.find((r) => r.status === 'OPEN' && Number(r.filled_quantity) > 0);
    expect(partial).toBeDefined();
    const replay = postbackOf(
      { ...partial, status: 'UPDATE', order_timestamp: String(partial?.order_timestamp) },
      'AB1234',
      null,
    );
    await sim.admin('/_sim/kite/postback', { payload: replay, checksum: 'auto' });
    for (const orderId of ids) {
      let newest: CanonicalOrder | undefined;
      for (const event of await eventsOf(orderId)) {
        const expectedStale = newest !== undefined && compareOrderState(newest, event.data.order) === 'stale';
        expect(Boolean(event.data.stale)).toBe(expectedStale);
        if (!expectedStale) newest = event.data.order;
      }
    }
    expect((await eventsOf(first)).some((e) => e.data.stale)).toBe(true);
  });

  it('after the ticker is cut while fills happen and postbacks are lost, reconciliation puts every missed transition on the bus', async () => {
    await sim.admin('/_sim/faults', {
      channels: { postback: { drop: 1 }, ticker: { drop: 1, disconnect: true, userId: 'AB1234' } },
    });
    const ids = [await placeMarket(12), await placeMarket(8), await placeMarket(16)];
    const truths = new Map<string, string[]>();
    for (const id of ids) truths.set(id, truthOf(await settled(id)));
    await sim.admin('/_sim/faults', {
      reset: true,
      channels: { ticker: { disconnect: true, userId: 'AB1234' } },
    });
    for (const id of ids) {
      await waitFor(async () => seenOf(await eventsOf(id)).join() === truths.get(id)?.join(), {
        timeoutMs: 15_000,
        what: `missed transitions of ${id}`,
      });
      const channels = new Set((await eventsOf(id)).map((e) => e.channel));
      expect([...channels].every((c) => c === 'reconciliation' || c === 'polling')).toBe(true);
    }
    const log = await gateway.events();
    expect(log.some((e) => e.type === 'broker.disconnected' && e.accountId === 'AB1234')).toBe(true);
    expect(log.some((e) => e.type === 'broker.connected' && e.accountId === 'AB1234')).toBe(true);
  });
});
