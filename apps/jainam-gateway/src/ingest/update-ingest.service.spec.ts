import { sampleOrder, type EventEnvelope, type TypedEnvelope } from '@fillwire/events';
import type { TradeRecord } from '@fillwire/broker-adapters';
import { RecordingMetrics, RecordingSink, silentLogger } from './testing-fakes';
import { UpdateIngestService } from './update-ingest.service';

const order = sampleOrder({
  broker: 'jainam',
  accountId: 'JN0001',
  brokerOrderId: '1110037830',
  status: 'OPEN',
  brokerStatus: 'New',
  filledQuantity: 0,
  pendingQuantity: 10,
  quantity: 10,
});
const filled = {
  ...order,
  status: 'FILLED' as const,
  brokerStatus: 'Filled',
  filledQuantity: 10,
  pendingQuantity: 0,
  averagePrice: 812.3,
};
const trade: TradeRecord = {
  broker: 'jainam',
  accountId: 'JN0001',
  tradeId: 'E1',
  brokerOrderId: '1110037830',
  exchangeOrderId: '1100000012812536',
  clientTag: null,
  symbol: 'SBIN',
  exchange: 'NSE',
  side: 'BUY',
  product: 'MIS',
  quantity: 10,
  price: 812.3,
  tradeTimestamp: 1767239112000,
};
const socket = { channel: 'socket' as const, receivedAt: 1000.25 };

function setup() {
  const sink = new RecordingSink();
  const metrics = new RecordingMetrics();
  const resync: string[] = [];
  const ingest = new UpdateIngestService({
    sink,
    metrics,
    userOf: (a) => (a === 'JN0001' ? 'demo' : undefined),
    logger: silentLogger,
    onPublishFailure: (a) => resync.push(a),
    now: () => 1001.75,
  });
  return { sink, metrics, resync, ingest };
}

describe('UpdateIngestService', () => {
  it('publishes an order update with receipt time, channel, user and the deterministic id', async () => {
    const { sink, ingest, metrics } = setup();
    expect(await ingest.ingestOrder(order, socket)).toBe('published');
    const e = sink.envelopes[0] as TypedEnvelope<'order.updated'>;
    expect(e).toMatchObject({
      type: 'order.updated',
      source: 'jainam-gateway',
      channel: 'socket',
      userId: 'demo',
      accountId: 'JN0001',
      broker: 'jainam',
      key: '1110037830',
      receivedAt: 1000.25,
    });
    expect(e.id).toMatch(/^jainam-o-/);
    expect(e.data.stale).toBeUndefined();
    expect(metrics.calls).toEqual(['received:socket:order', 'acked:socket']);
  });

  it('drops an exact duplicate and counts it; marks a lower state stale but still publishes it', async () => {
    const { sink, ingest, metrics } = setup();
    await ingest.ingestOrder(filled, socket);
    expect(await ingest.ingestOrder({ ...filled }, { channel: 'polling', receivedAt: 2 })).toBe('duplicate');
    expect(await ingest.ingestOrder(order, socket)).toBe('stale');
    expect(sink.envelopes.map((e) => (e as TypedEnvelope<'order.updated'>).data.stale ?? false)).toEqual([
      false,
      true,
    ]);
    expect(metrics.count('duplicate:order')).toBe(1);
    expect(metrics.count('stale')).toBe(1);
  });

  it('counts what gap fill and polling find as corrections', async () => {
    const { ingest, metrics } = setup();
    await ingest.ingestOrder(order, { channel: 'reconciliation', receivedAt: 1 });
    await ingest.ingestTrade(trade, { channel: 'polling', receivedAt: 1 });
    expect(metrics.calls.filter((c) => c.startsWith('correction'))).toEqual([
      'correction:order',
      'correction:trade',
    ]);
  });

  it('publishes a trade once per execution id', async () => {
    const { sink, ingest } = setup();
    expect(await ingest.ingestTrade(trade, socket)).toBe('published');
    expect(await ingest.ingestTrade({ ...trade }, { channel: 'reconciliation', receivedAt: 5 })).toBe(
      'duplicate',
    );
    expect(await ingest.ingestTrade({ ...trade, tradeId: 'E2' }, socket)).toBe('published');
    expect(sink.envelopes.map((e) => [e.type, (e.data as { tradeId: string }).tradeId])).toEqual([
      ['trade.executed', 'E1'],
      ['trade.executed', 'E2'],
    ]);
  });

  it('a failed publish is not remembered, asks for a resync, and goes through when it comes again', async () => {
    const { sink, ingest, metrics, resync } = setup();
    sink.failNext = 1;
    expect(await ingest.ingestOrder(order, socket)).toBe('failed');
    expect(resync).toEqual(['JN0001']);
    expect(metrics.count('publishFailed')).toBe(1);
    expect(await ingest.ingestOrder(order, { channel: 'reconciliation', receivedAt: 3 })).toBe('published');
  });

  it('flags an unknown broker status and refuses trades in products the catalogue does not know', async () => {
    const { sink, ingest, metrics } = setup();
    await ingest.ingestOrder({ ...order, brokerStatus: 'Weird' }, socket);
    expect((sink.envelopes[0] as TypedEnvelope<'order.updated'>).data.statusKnown).toBe(false);
    expect(await ingest.ingestTrade({ ...trade, product: 'BO' }, socket)).toBe('unusable');
    expect(metrics.count('unusable:socket')).toBe(1);
  });

  it('publishes different orders side by side, and copies of one order in turn (one published, one duplicate)', async () => {
    const held: { envelope: EventEnvelope; release: () => void }[] = [];
    const sink = {
      publish: (envelope: EventEnvelope) =>
        new Promise<unknown>((resolve) => held.push({ envelope, release: () => resolve({}) })),
    };
    const ingest = new UpdateIngestService({
      sink,
      metrics: new RecordingMetrics(),
      userOf: () => 'demo',
      logger: silentLogger,
    });
    const other = { ...order, brokerOrderId: '1110037831' };
    const outcomes = Promise.all([
      ingest.ingestOrder(order, socket),
      ingest.ingestOrder({ ...order }, socket),
      ingest.ingestOrder(other, socket),
    ]);
    await new Promise<void>((resolve) => setImmediate(resolve));
    // Both orders' first publishes are in flight at once; the copy waits behind its order's publish.
    expect(held.map((h) => h.envelope.key)).toEqual(['1110037830', '1110037831']);
    expect(ingest.inFlight).toBe(2);
    for (const h of held) h.release();
    expect(await outcomes).toEqual(['published', 'duplicate', 'published']);
    expect(held).toHaveLength(2);
  });
});
