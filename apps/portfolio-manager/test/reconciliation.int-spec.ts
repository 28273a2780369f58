import Redis from 'ioredis';
import { createEnvelope, sampleOrder, type CanonicalOrder } from '@fillwire/events';
import { PortfolioReadRepository, PortfolioWriteRepository } from '@fillwire/portfolio-state';
import { testPrefix, testRedisUrl } from '@fillwire/testing';
import { ReconciliationService, type ReconcileSink } from '../src/reconciliation/reconciliation.service';

describe('reconciliation against the broker order book (real Redis)', () => {
  let redis: Redis;
  beforeAll(async () => {
    redis = new Redis(await testRedisUrl());
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('repairs missed updates within one cycle, once across replicas, and alerts on drift that persists', async () => {
    const prefix = testPrefix('rc');
    const write = new PortfolioWriteRepository(redis, { prefix });
    const read = new PortfolioReadRepository(redis, { prefix });
    const t = Date.parse('2026-01-05T05:00:00Z');
    const base = {
      broker: 'zerodha' as const,
      accountId: 'AB1234',
      brokerTimestamp: t,
      exchangeTimestamp: t,
    };
    const open = sampleOrder({ ...base, brokerOrderId: '1', status: 'OPEN' });
    await write.applyEnvelope(
      createEnvelope('order.updated', { order: open }, { source: 'test', channel: 'ticker' }),
      null,
    );

    // Every live update after OPEN was dropped; the book has the fills and an order we never saw.
    let book: CanonicalOrder[] = [
      sampleOrder({
        ...base,
        brokerOrderId: '1',
        status: 'PARTIALLY_FILLED',
        brokerStatus: 'OPEN',
        filledQuantity: 4,
        averagePrice: 812,
        brokerTimestamp: t + 5000,
      }),
      sampleOrder({
        ...base,
        brokerOrderId: '2',
        side: 'SELL',
        status: 'FILLED',
        brokerStatus: 'COMPLETE',
        quantity: 3,
        filledQuantity: 3,
        averagePrice: 815,
      }),
    ];
    const published: string[] = [];
    const alerts: string[] = [];
    const drift: number[] = [];
    const sink: ReconcileSink = {
      publish: (e) => Promise.resolve(void published.push(e.data.order.brokerOrderId)),
      alert: (message) => Promise.resolve(void alerts.push(message)),
      drift: (_b, _a, n) => void drift.push(n),
    };
    let now = 1_000_000;
    const replica = () => new ReconciliationService(read, write, sink, 60_000, () => now);
    const books = { getOrderBook: () => Promise.resolve(book) };
    const results = await Promise.all([
      replica().reconcileAccount('zerodha', 'AB1234', books),
      replica().reconcileAccount('zerodha', 'AB1234', books),
    ]);
    expect(results.filter((r) => r !== null)).toEqual([['1', '2']]);
    expect(published).toEqual(['1', '2']);
    expect(drift).toEqual([2]);
    const [position] = await read.listPositions({ broker: 'zerodha', accountId: 'AB1234' });
    expect(position).toMatchObject({ netQuantity: 1, dayBuyQuantity: 4, daySellQuantity: 3, realizedPnl: 9 });

    // Next cycle: level with the book, nothing to do.
    now += 60_000;
    expect(await replica().reconcileAccount('zerodha', 'AB1234', books)).toEqual([]);
    // The cycle after: order 1 drifts again, then again: the second consecutive drift alerts.
    now += 60_000;
    book = [{ ...book[0], filledQuantity: 6, averagePrice: 812, brokerTimestamp: t + 9000 }];
    expect(await replica().reconcileAccount('zerodha', 'AB1234', books)).toEqual(['1']);
    expect(alerts).toEqual([]);
    now += 60_000;
    book = [{ ...book[0], filledQuantity: 8, averagePrice: 812, brokerTimestamp: t + 12000 }];
    expect(await replica().reconcileAccount('zerodha', 'AB1234', books)).toEqual(['1']);
    expect(alerts).toHaveLength(1);
  });
});
