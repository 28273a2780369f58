import { sampleOrder } from '@fillwire/events';
import { orderDrift } from './order-drift';

describe('orderDrift', () => {
  const open = sampleOrder({ status: 'OPEN' });
  const partial = sampleOrder({
    status: 'PARTIALLY_FILLED',
    brokerStatus: 'OPEN',
    filledQuantity: 4,
    averagePrice: 812.3,
  });

  it('reports a missed fill with the fields that differ', () => {
    expect(orderDrift(open, partial)).toEqual({
      order: partial,
      previous: open,
      differences: [
        { field: 'status', local: 'OPEN', broker: 'PARTIALLY_FILLED' },
        { field: 'filledQuantity', local: 0, broker: 4 },
        { field: 'averagePrice', local: 0, broker: 812.3 },
      ],
    });
  });

  it('reports an order we never saw, and nothing when we are level or ahead of the book', () => {
    expect(orderDrift(null, open)).toEqual({ order: open, previous: null, differences: [] });
    expect(orderDrift(partial, partial)).toBeNull();
    expect(orderDrift(partial, open)).toBeNull();
  });
});
