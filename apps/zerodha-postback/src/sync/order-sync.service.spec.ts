import { UpdateDeduper } from '@fillwire/broker-adapters';
import { sampleOrder, type CanonicalOrder, type EventEnvelope } from '@fillwire/events';
import { MetricsService } from '@fillwire/observability';
import { FakeEventLog } from '../../test/fake-event-log';
import { resolveAccounts } from '../accounts/kite-account.schema';
import { IngestMetrics } from '../ingest/ingest-metrics.service';
import { OrderIngestService } from '../ingest/order-ingest.service';
import { OrderSyncService } from './order-sync.service';

const T = Date.UTC(2026, 0, 5, 4, 0, 0);
const state = (id: string, over: Partial<CanonicalOrder>): CanonicalOrder =>
  sampleOrder({
    brokerOrderId: id,
    status: 'OPEN',
    brokerStatus: 'OPEN',
    filledQuantity: 0,
    pendingQuantity: 10,
    averagePrice: 0,
    brokerTimestamp: T,
    exchangeTimestamp: T,
    ...over,
  });
/** One order's life at Kite: open, a partial fill of 4, complete. */
const life = (id: string): CanonicalOrder[] => [
  state(id, {}),
  state(id, {
    status: 'PARTIALLY_FILLED',
    brokerStatus: 'UPDATE',
    filledQuantity: 4,
    pendingQuantity: 6,
    averagePrice: 812,
    brokerTimestamp: T + 1000,
  }),
  state(id, {
    status: 'FILLED',
    brokerStatus: 'COMPLETE',
    filledQuantity: 10,
    pendingQuantity: 0,
    averagePrice: 812.2,
    brokerTimestamp: T + 2000,
  }),
];

function setup() {
  const log = new FakeEventLog();
  const ingest = new OrderIngestService(
    log,
    new UpdateDeduper(),
    new IngestMetrics(new MetricsService('zerodha-postback')),
  );
  const sync = new OrderSyncService(ingest);
  const [account] = resolveAccounts([{ accountId: 'AB1234', userId: 'demo' }], {
    apiKey: 'kite-demo',
    apiSecret: 'demo-secret',
    demo: true,
  });
  const orders = new Map<string, CanonicalOrder[]>();
  let historyCalls = 0;
  /** Runs while a history is being read, before it is returned (a push racing the sync). */
  let duringHistory: () => Promise<unknown> = () => Promise.resolve();
  const adapter = {
    getOrderBook: () => Promise.resolve([...orders.values()].map((h) => h[h.length - 1])),
    getOrderHistory: async (id: string) => {
      historyCalls += 1;
      await duringHistory();
      return orders.get(id) ?? [];
    },
  };
  const push = (order: CanonicalOrder, channel: 'postback' | 'ticker' = 'ticker') =>
    ingest.ingest({ order, userId: 'demo', channel, receivedAt: 1 });
  const fills = (id: string) =>
    log.envelopes
      .filter((e: EventEnvelope) => e.type === 'order.updated' && e.key === id)
      .map((e) => (e.data as { order: CanonicalOrder }).order.filledQuantity);
  return {
    log,
    ingest,
    sync,
    target: { account, adapter },
    orders,
    push,
    fills,
    historyCalls: () => historyCalls,
    whileReadingHistory: (fn: () => Promise<unknown>) => (duringHistory = fn),
  };
}

describe('OrderSyncService: states hidden behind a later one', () => {
  it('publishes a partial fill whose publish failed, after the final state already went out', async () => {
    const { log, sync, target, orders, push, fills } = setup();
    const [open, p4, done] = life('1');
    orders.set('1', [open]);
    await push(open);
    await sync.sync(target, 'reconciliation', { closeGap: true });
    orders.set('1', [open, p4, done]);
    log.down = true;
    await expect(push(p4)).rejects.toThrow('bus down');
    log.down = false;
    await push(done);
    expect(fills('1')).toEqual([0, 10]);

    await sync.sync(target, 'reconciliation', { closeGap: true });
    expect(fills('1')).toEqual([0, 10, 4]);
    // Recorded as what it is: older than the state the bus already has.
    expect(log.envelopes.at(-1)?.data).toMatchObject({ stale: true, order: { filledQuantity: 4 } });
  });

  it('after boot, an order pushed before the first reconciliation gets its history read', async () => {
    const { sync, target, orders, push, fills } = setup();
    const [open, p4, done] = life('1');
    orders.set('1', [open, p4, done]);
    // The gateway was down for the partial fill; the final state arrives by ticker before the book is read.
    await push(done);
    await sync.sync(target, 'reconciliation', { closeGap: true });
    expect(fills('1').sort((a, b) => a - b)).toEqual([0, 4, 10]);
  });

  it('a final state pushed while the sync reads the history does not hide the fills before it', async () => {
    const { sync, target, orders, push, fills, whileReadingHistory } = setup();
    const [open, p4, done] = life('1');
    // Filled in part while the gateway was down: the book shows the partial fill, then it completes.
    orders.set('1', [open, p4]);
    whileReadingHistory(async () => {
      orders.set('1', [open, p4, done]);
      await push(done);
    });
    await sync.sync(target, 'reconciliation', { closeGap: true });
    expect(fills('1').sort((a, b) => a - b)).toEqual([0, 4, 10]);
  });

  it('a sync that fails half way leaves the unread histories to the next one, even after a push moved the order on', async () => {
    const { sync, target, orders, push, fills, whileReadingHistory } = setup();
    const [open, p4, done] = life('1');
    orders.set('1', [open, p4]);
    whileReadingHistory(() => Promise.reject(new Error('Too many requests')));
    await expect(sync.sync(target, 'reconciliation', { closeGap: true })).rejects.toThrow(
      'Too many requests',
    );
    whileReadingHistory(() => Promise.resolve());
    orders.set('1', [open, p4, done]);
    await push(done);
    await sync.sync(target, 'reconciliation', { closeGap: true });
    expect(fills('1').sort((a, b) => a - b)).toEqual([0, 4, 10]);
  });

  it('a ticker outage makes the orders pushed meanwhile suspect; once reconciled, live pushes cost no history reads', async () => {
    const { ingest, sync, target, orders, push, fills, historyCalls } = setup();
    await sync.sync(target, 'reconciliation', { closeGap: true });
    const [open2, p4, done2] = life('2');
    orders.set('2', [open2, p4, done2]);
    await push(open2);
    await push(done2);
    await sync.sync(target, 'reconciliation', { closeGap: true });
    expect(historyCalls()).toBe(0);
    expect(fills('2')).toEqual([0, 10]);

    ingest.openGap('AB1234');
    const [open3, p43, done3] = life('3');
    orders.set('3', [open3, p43, done3]);
    await push(done3, 'postback');
    await sync.sync(target, 'polling');
    expect(historyCalls()).toBe(1);
    expect(fills('3').sort((a, b) => a - b)).toEqual([0, 4, 10]);
  });
});
