import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareOrderState, type CanonicalOrder, type TypedEnvelope } from '@fillwire/events';
import { freePort, startBrokerSimProcess, waitFor, type BrokerSimProcess } from '@fillwire/testing';
import { AppModule } from '../src/app.module';
import { startApp, type RunningApp } from './app-harness';
import { kiteFixture } from './kite-payloads';

/** Every Kite fixture that is an order payload: the order book rows and one order's history. */
const ORDER_FIXTURES = ['orders.json', 'order_info.json'];
const GOLDEN = JSON.parse(
  readFileSync(join(__dirname, '__golden__', 'kite-order-fixtures.golden.json'), 'utf8'),
) as Array<{ fixture: string; order: CanonicalOrder }>;

type OrderEvent = TypedEnvelope<'order.updated'>;

describe('Kite fixtures through the full path (simulator raw postback and ticker frames)', () => {
  let sim: BrokerSimProcess;
  let gateway: RunningApp;
  const payloads = ORDER_FIXTURES.flatMap((file) => kiteFixture<Record<string, unknown>[]>(file));
  const fixtureIds = new Set(payloads.map((p) => String(p.order_id)));

  beforeAll(async () => {
    const port = await freePort();
    sim = await startBrokerSimProcess({
      ZERODHA_POSTBACK_URL: `http://127.0.0.1:${port}/zerodha/postback`,
      SIM_TICK_MS: '0',
    });
    gateway = await startApp(
      AppModule,
      { KITE_ROOT_URL: sim.kiteUrl, KITE_WS_URL: sim.env.KITE_WS_URL },
      port,
    );
    await waitFor(async () => (await fetch(`${gateway.url}/ready`)).ok, {
      timeoutMs: 15_000,
      what: '/ready',
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await sim?.stop();
  });

  const logged = async (accountId: string): Promise<OrderEvent[]> =>
    (await gateway.events()).filter(
      (e): e is OrderEvent =>
        e.type === 'order.updated' && e.accountId === accountId && fixtureIds.has(e.key ?? ''),
    );

  /** Normalized as the golden file says, once per distinct state, stale exactly where a newer state came first. */
  const expectGolden = (events: OrderEvent[], accountId: string, channel: string): void => {
    expect(events.map((e) => e.data.order)).toEqual(GOLDEN.map((g) => ({ ...g.order, accountId })));
    const newest = new Map<string, CanonicalOrder>();
    for (const e of events) {
      expect(e).toMatchObject({ channel, accountId, broker: 'zerodha', source: 'zerodha-postback' });
      const before = newest.get(e.data.order.brokerOrderId);
      const stale = before !== undefined && compareOrderState(before, e.data.order) === 'stale';
      expect(Boolean(e.data.stale)).toBe(stale);
      if (!stale) newest.set(e.data.order.brokerOrderId, e.data.order);
    }
  };

  it('replays each as a postback with a valid checksum (AB1234)', async () => {
    for (const row of payloads) {
      const payload = { ...row, user_id: 'AB1234', unfilled_quantity: row.pending_quantity, app_id: 1 };
      const reply = await sim.admin<{ httpStatus: number }>('/_sim/kite/postback', {
        payload,
        checksum: 'auto',
      });
      expect(reply.httpStatus).toBe(200);
    }
    expectGolden(await logged('AB1234'), 'AB1234', 'postback');
  });

  it('replays each as a ticker order frame with an empty checksum (CD5678)', async () => {
    for (const row of payloads) {
      const frame = { type: 'order', data: { ...row, user_id: 'CD5678', app_id: 1, checksum: '' } };
      expect(await sim.admin<{ sent: number }>('/_sim/kite/ws', { userId: 'CD5678', frame })).toEqual({
        sent: 1,
      });
    }
    await waitFor(async () => (await logged('CD5678')).length >= GOLDEN.length, {
      timeoutMs: 10_000,
      what: 'ticker copies on the log',
    });
    expectGolden(await logged('CD5678'), 'CD5678', 'ticker');
  });
});
