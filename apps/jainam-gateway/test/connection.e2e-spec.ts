import { XtsRestClient, standardXtsEndpoints } from '@fillwire/broker-adapters';
import type { TypedEnvelope } from '@fillwire/events';
import { startBrokerSimProcess, waitFor, type BrokerSimProcess } from '@fillwire/testing';
import { startGateway, type GatewayHarness } from './gateway-harness';

jest.setTimeout(90_000);

type OrderEnvelope = TypedEnvelope<'order.updated'>;
const ordersOf = (log: TypedEnvelope[], id: string) =>
  log.filter((e): e is OrderEnvelope => e.type === 'order.updated' && e.data.order.brokerOrderId === id);
const tradeIdsOf = (log: TypedEnvelope[], id: string) =>
  log.flatMap((e) => (e.type === 'trade.executed' && e.data.brokerOrderId === id ? [e.data.tradeId] : []));
const brokerEvents = (log: TypedEnvelope[], after: number) =>
  log.slice(after).filter((e) => e.type.startsWith('broker.')) as Array<
    TypedEnvelope<'broker.connected' | 'broker.disconnected' | 'broker.error'>
  >;
const counter = (metrics: string, name: string, labels: string) =>
  Number(
    metrics
      .split('\n')
      .find((l) => l.startsWith(`${name}{`) && labels.split(',').every((p) => l.includes(p)))
      ?.split(' ')
      .pop() ?? 0,
  );

interface SimOrderTruth {
  orderId: string;
  state: string;
  trades: Array<{ tradeId: string }>;
  history: Array<{ state: string; filledQuantity: number }>;
}

/** What a simulator history state looks like canonically (XTS collapses the PENDING steps). */
const canonical = (s: { state: string; filledQuantity: number }): string => {
  if (s.state === 'complete') return 'FILLED';
  if (s.state === 'cancelled') return 'CANCELLED';
  if (s.state === 'rejected') return 'REJECTED';
  if (s.filledQuantity > 0) return `PARTIALLY_FILLED/${s.filledQuantity}`;
  return s.state === 'open' ? 'OPEN' : 'PENDING';
};
const busState = (e: OrderEnvelope): string =>
  e.data.order.status === 'PARTIALLY_FILLED'
    ? `PARTIALLY_FILLED/${e.data.order.filledQuantity}`
    : e.data.order.status;

describe('jainam-gateway: reconnect, gap fill, re-login and standing down', () => {
  let sim: BrokerSimProcess;
  let gw: GatewayHarness;

  beforeAll(async () => {
    sim = await startBrokerSimProcess({ SIM_TICK_MS: '0', SIM_PARTIAL_FILL_PROBABILITY: '1' });
    gw = await startGateway({
      XTS_BASE_URL: sim.xtsUrl,
      XTS_RECONNECT_MIN: '300ms',
      XTS_RECONNECT_MAX: '2s',
    });
    await gw.waitForEvents(
      (log) => log.some((e) => e.type === 'broker.connected' && e.data.state === 'synced'),
      'synced',
    );
  });

  afterAll(async () => {
    await gw?.close();
    await sim?.stop();
  });

  const handle = () => gw.gateway.account('JN0001')!;
  const synced = () => handle().connection.state === 'synced';
  const place = (quantity: number, tag: string) =>
    handle().adapter.placeOrder({
      accountId: 'JN0001',
      symbol: 'SBIN',
      exchange: 'NSE',
      side: 'BUY',
      quantity,
      orderType: 'MARKET',
      product: 'MIS',
      tag,
    });
  const truth = async () =>
    (await sim.admin<{ orders: SimOrderTruth[] }>('/_sim/orders?userId=JN0001')).orders;

  it('socket cut while fills happen: after reconnect every missed transition and trade is on the bus', async () => {
    const mark = (await gw.events()).length;
    // Fills the socket never delivers, then the connection drops.
    await sim.admin('/_sim/faults', { channel: 'xts-socket', drop: 1 });
    const acks = [await place(12, 'jgcut1'), await place(9, 'jgcut2')];
    const done = async () => {
      const orders = await truth();
      return acks.every((a) => orders.find((o) => o.orderId === a.brokerOrderId)?.state === 'complete');
    };
    await waitFor(done, { timeoutMs: 15_000, what: 'simulator fills' });
    await sim.admin('/_sim/faults', { channel: 'xts-socket', disconnect: true, drop: 0 });

    const log = await gw.waitForEvents(
      (l) =>
        brokerEvents(l, mark).some((e) => e.type === 'broker.connected' && e.data.state === 'synced') &&
        acks.every((a) => ordersOf(l, a.brokerOrderId).some((e) => e.data.order.status === 'FILLED')),
      'reconnect and gap fill',
      30_000,
    );
    const states = brokerEvents(log, mark).map((e) => `${e.type}:${e.data.state}`);
    expect(states).toEqual(
      expect.arrayContaining([
        'broker.disconnected:degraded',
        'broker.connected:connected',
        'broker.connected:synced',
      ]),
    );
    await waitFor(
      async () => {
        const all = await gw.events();
        return acks.every((a) => tradeIdsOf(all, a.brokerOrderId).length > 0);
      },
      { what: 'trades' },
    );
    const final = await gw.events();
    for (const simOrder of (await truth()).filter((o) => acks.some((a) => a.brokerOrderId === o.orderId))) {
      const published = ordersOf(final, simOrder.orderId);
      const onBus = new Set(published.map(busState));
      for (const s of new Set(simOrder.history.map(canonical)))
        expect(onBus.has(s) ? s : `missing ${s}`).toBe(s);
      expect(published.every((e) => e.channel === 'reconciliation' || e.channel === 'polling')).toBe(true);
      const trades = tradeIdsOf(final, simOrder.orderId);
      expect(trades.sort()).toEqual(simOrder.trades.map((t) => t.tradeId).sort());
    }
    const metrics = await gw.metrics();
    expect(
      counter(metrics, 'fillwire_gateway_reconciliation_corrections_total', 'account="JN0001",kind="trade"'),
    ).toBeGreaterThan(0);
    expect(counter(metrics, 'fillwire_gateway_reconnects_total', 'account="JN0001"')).toBeGreaterThan(0);
  });

  it('token expiry: logs in again once and is back to synced', async () => {
    await waitFor(synced, { what: 'synced before' });
    const logins = handle().adapter.rest.loginCount;
    await sim.admin('/_sim/faults', { channel: 'xts-socket', tokenExpiry: true });
    await waitFor(() => !synced(), { timeoutMs: 5_000, what: 'the drop' });
    await waitFor(synced, { timeoutMs: 20_000, what: 'synced again' });
    expect(handle().adapter.rest.loginCount).toBe(logins + 1);
    expect((await gw.ready()).status).toBe(200);
  });

  it('a logout (another login took the session): one new login, never two at once, back to synced', async () => {
    const logins = handle().adapter.rest.loginCount;
    const mark = (await gw.events()).length;
    const intruder = new XtsRestClient({
      endpoints: standardXtsEndpoints(sim.xtsUrl),
      appKey: 'xts-demo',
      secretKey: 'demo-secret',
    });
    await intruder.login();
    const log = await gw.waitForEvents(
      (l) => brokerEvents(l, mark).some((e) => e.type === 'broker.connected' && e.data.state === 'synced'),
      'synced after logout',
      20_000,
    );
    expect(brokerEvents(log, mark).find((e) => e.type === 'broker.error')).toMatchObject({
      data: { code: 'logout', fatal: false },
    });
    expect(handle().adapter.rest.loginCount).toBe(logins + 1);
    await waitFor(synced, { what: 'synced' });
  });

  it('repeated auth failure (wrong secret) stands the account down and says why', async () => {
    const bad = await startGateway({
      XTS_BASE_URL: sim.xtsUrl,
      XTS_SECRET_KEY: 'wrong-secret',
      XTS_RECONNECT_MIN: '50ms',
      XTS_RECONNECT_MAX: '200ms',
      XTS_MAX_AUTH_FAILURES: '3',
    });
    try {
      const log = await bad.waitForEvents(
        (l) => l.some((e) => e.type === 'broker.error' && e.data.fatal),
        'stand-down',
      );
      const fatal = log.find(
        (e): e is TypedEnvelope<'broker.error'> => e.type === 'broker.error' && e.data.fatal,
      )!;
      expect(fatal.data).toMatchObject({ broker: 'jainam', accountId: 'JN0001', state: 'stood-down' });
      expect(fatal.data.reason).toMatch(/login refused 3 times.*Invalid appKey or secretKey/);
      expect(
        log.some(
          (e) =>
            e.type === 'broker.disconnected' && e.data.state === 'stood-down' && e.data.retryInMs === null,
        ),
      ).toBe(true);
      const ready = await bad.ready();
      expect(ready.status).toBe(503);
      expect(ready.body.checks['jainam:JN0001'].error).toMatch(/^stood-down: login refused 3 times/);
      const metrics = await bad.metrics();
      expect(counter(metrics, 'fillwire_gateway_auth_failures_total', 'account="JN0001"')).toBe(3);
      expect(
        counter(metrics, 'fillwire_gateway_connection_state', 'account="JN0001",state="stood-down"'),
      ).toBe(1);
    } finally {
      await bad.close();
    }
  });

  it('a user not on event-driven mode is polled instead (channel polling, no socket)', async () => {
    await gw.close();
    const polled = await startGateway({ XTS_BASE_URL: sim.xtsUrl, EVENT_DRIVEN_ROLLOUT_PERCENT: '0' });
    gw = polled;
    await polled.waitForEvents(
      (l) =>
        l.some(
          (e) => e.type === 'broker.connected' && e.data.state === 'synced' && e.data.channel === 'polling',
        ),
      'synced by polling',
    );
    expect(polled.gateway.account('JN0001')!.adapter.connectionState).toBe('disconnected');
    const ack = await polled.gateway.account('JN0001')!.adapter.placeOrder({
      accountId: 'JN0001',
      symbol: 'INFY',
      exchange: 'NSE',
      side: 'SELL',
      quantity: 3,
      orderType: 'MARKET',
      product: 'MIS',
    });
    const log = await polled.waitForEvents(
      (l) => ordersOf(l, ack.brokerOrderId).some((e) => e.data.order.status === 'FILLED'),
      'polled fill',
      20_000,
    );
    expect(ordersOf(log, ack.brokerOrderId).every((e) => e.channel === 'polling')).toBe(true);
  });
});
