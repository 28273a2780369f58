import { sampleOrder, tradeEventId } from '@fillwire/events';
import { UpdateDeduper } from './update-deduper';

const open = sampleOrder({
  broker: 'jainam',
  accountId: 'JN0001',
  brokerOrderId: '1110037830',
  status: 'OPEN',
  filledQuantity: 0,
  pendingQuantity: 10,
  brokerStatus: 'New',
});
const partial = {
  ...open,
  status: 'PARTIALLY_FILLED' as const,
  filledQuantity: 4,
  pendingQuantity: 6,
  brokerStatus: 'PartiallyFilled',
};
const filled = {
  ...open,
  status: 'FILLED' as const,
  filledQuantity: 10,
  pendingQuantity: 0,
  brokerStatus: 'Filled',
};

describe('UpdateDeduper', () => {
  it('passes new states, drops an exact duplicate once recorded, marks a lower state stale', () => {
    const d = new UpdateDeduper();
    const first = d.classifyOrder(open);
    expect(first.verdict).toBe('new');
    d.recordOrder(open, first.id);
    expect(d.classifyOrder({ ...open })).toEqual({ verdict: 'duplicate', id: first.id });
    d.recordOrder(filled);
    expect(d.classifyOrder(partial).verdict).toBe('stale');
    d.recordOrder(partial);
    expect(d.latest(open)).toEqual(filled);
    expect(d.classifyOrder(partial).verdict).toBe('duplicate');
  });

  it('does not treat an update as seen until it is recorded (a failed publish can be retried)', () => {
    const d = new UpdateDeduper();
    expect(d.classifyOrder(open).verdict).toBe('new');
    expect(d.classifyOrder(open).verdict).toBe('new');
  });

  it('keeps orders apart and trades by execution id', () => {
    const d = new UpdateDeduper();
    d.recordOrder(filled);
    expect(d.classifyOrder({ ...partial, brokerOrderId: '1110037831' }).verdict).toBe('new');
    const trade = {
      broker: 'jainam' as const,
      accountId: 'JN0001',
      brokerOrderId: '1110037830',
      tradeId: 'E1',
    };
    const t = d.classifyTrade(trade);
    expect(t).toEqual({ verdict: 'new', id: tradeEventId(trade) });
    d.recordTrade(t.id);
    expect(d.classifyTrade({ ...trade }).verdict).toBe('duplicate');
    expect(d.classifyTrade({ ...trade, tradeId: 'E2' }).verdict).toBe('new');
  });

  it('forgets the oldest ids beyond its bound', () => {
    const d = new UpdateDeduper({ maxIds: 2 });
    for (const id of ['a', 'b', 'c']) d.recordTrade(id);
    const trade = { broker: 'jainam' as const, accountId: 'JN0001', brokerOrderId: '1', tradeId: 'x' };
    d.recordTrade(d.classifyTrade(trade).id);
    expect(d.classifyTrade(trade).verdict).toBe('duplicate');
  });
});
