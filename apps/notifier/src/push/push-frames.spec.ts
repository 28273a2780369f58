import { createEnvelope, EVENT_SAMPLES, sampleOrder } from '@fillwire/events';
import { channelOf, toPushEvent, toPushFrame } from './push-frames';

describe('push frames', () => {
  it('order updates carry OpenAlgo fields next to the canonical payload', () => {
    const order = sampleOrder({ status: 'TRIGGER_PENDING', brokerStatus: 'TRIGGER PENDING' });
    const e = createEnvelope('order.updated', { order }, { source: 'test', channel: 'ticker' });
    expect(toPushFrame('17-3', e)).toEqual({
      event: 'order_update',
      id: '17-3',
      ts: e.ts,
      type: 'order.updated',
      eventId: e.id,
      accountId: 'AB1234',
      data: expect.objectContaining({
        orderid: order.brokerOrderId,
        order_status: 'trigger pending',
        broker: 'zerodha',
        order,
      }),
    });
  });

  it('maps each screen event to a channel and an OpenAlgo-style name', () => {
    const names = Object.fromEntries(
      (['order.placed', 'trade.executed', 'position.updated', 'order.notification'] as const).map((type) => {
        const e = createEnvelope(type, EVENT_SAMPLES[type] as never, { source: 'test' });
        return [type, [toPushFrame('1-0', e)?.event, channelOf(type)]];
      }),
    );
    expect(names).toEqual({
      'order.placed': ['order_event', 'orders'],
      'trade.executed': ['trade_update', 'trades'],
      'position.updated': ['position_update', 'positions'],
      'order.notification': ['order_notification', 'notifications'],
    });
  });

  it('keeps engine-only and repeated facts off the screens', () => {
    const filled = sampleOrder({
      status: 'FILLED',
      filledQuantity: 10,
      pendingQuantity: 0,
      averagePrice: 812,
    });
    expect(
      toPushEvent('1-0', createEnvelope('order.filled', { order: filled }, { source: 'test' })),
    ).toBeNull();
  });
});
