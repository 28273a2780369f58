import Redis from 'ioredis';
import type { ModifyOrderRequest, OrderAck, PlaceOrderRequest } from '@fillwire/broker-adapters';
import { createEnvelope, sampleOrder, type CanonicalOrder, type EventEnvelope } from '@fillwire/events';
import { PortfolioReadRepository, PortfolioWriteRepository } from '@fillwire/portfolio-state';
import { testPrefix, testRedisUrl } from '@fillwire/testing';
import type { BrokerCommands } from '../src/automation/broker-commands';
import { ExitsService } from '../src/automation/exits.service';

const entryRef = { broker: 'zerodha' as const, accountId: 'AB1234', brokerOrderId: 'E1' };
const t = Date.parse('2026-01-05T05:00:00Z');

/** A broker that records calls and hands out ids; exits are reported back as order.updated. */
function fakeBroker() {
  const calls: string[] = [];
  const placed = new Map<string, PlaceOrderRequest>();
  let next = 1;
  const ack = (brokerOrderId: string, tag: string | null = null): OrderAck => ({
    broker: 'zerodha',
    accountId: 'AB1234',
    brokerOrderId,
    clientTag: tag,
  });
  const commands: BrokerCommands = {
    placeOrder: (r: PlaceOrderRequest) => {
      const id = `X${next++}`;
      placed.set(id, r);
      calls.push(`place ${id} ${r.orderType} ${r.side} ${r.quantity} @${r.triggerPrice ?? r.price}`);
      return Promise.resolve(ack(id, r.tag ?? null));
    },
    modifyOrder: (r: ModifyOrderRequest) => {
      calls.push(
        `modify ${r.brokerOrderId}${r.quantity ? ` qty ${r.quantity}` : ''}${r.triggerPrice ? ` trigger ${r.triggerPrice}` : ''}`,
      );
      return Promise.resolve(ack(r.brokerOrderId));
    },
    cancelOrder: (r) => {
      calls.push(`cancel ${r.brokerOrderId}`);
      return Promise.resolve(ack(r.brokerOrderId));
    },
    getOrderBook: () => Promise.resolve([]),
    getPositions: () => Promise.resolve([]),
  };
  return { calls, placed, commands };
}

describe('stop-loss / target exits as an OCO pair (real Redis, two replicas, fake broker)', () => {
  let redis: Redis;
  beforeAll(async () => {
    redis = new Redis(await testRedisUrl());
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('places both legs on the first fill, resizes them with the entry, cancels the stop when the target fills', async () => {
    const prefix = testPrefix('exits');
    const write = new PortfolioWriteRepository(redis, { prefix });
    const read = new PortfolioReadRepository(redis, { prefix });
    const broker = fakeBroker();
    const published: EventEnvelope[] = [];
    const notes: string[] = [];
    let now = t;
    const replica = () =>
      new ExitsService(
        read,
        write,
        { forAccount: () => broker.commands },
        {
          publish: (e) => Promise.resolve(void published.push(e)),
          notify: (n) => Promise.resolve(void notes.push(`${n.kind}: ${n.message}`)),
        },
        () => now,
        1_000,
      );
    const [a, b] = [replica(), replica()];
    const apply = async (order: CanonicalOrder, placed = false) => {
      const envelope = placed
        ? createEnvelope(
            'order.placed',
            {
              order,
              userId: 'demo',
              idempotencyKey: 'k1',
              protection: { stopLoss: 790, target: 820, trailing: 2.5 },
            },
            { source: 'order-api', channel: 'rest' },
          )
        : createEnvelope('order.updated', { order }, { source: 'zerodha-postback', channel: 'postback' });
      await write.applyEnvelope(envelope, null);
      const meta = (await read.getOrder(order))?.meta ?? null;
      // Both replicas see every update (redelivery, competing consumers): still one action each.
      await Promise.all([a.onOrder(order, meta), b.onOrder(order, meta)]);
    };
    const entry = (over: Partial<CanonicalOrder>) =>
      sampleOrder({ ...entryRef, quantity: 10, brokerTimestamp: t, exchangeTimestamp: t, ...over });

    // The partial fill arrives before order.placed (no delivery order): nothing to do without protection.
    await apply(
      entry({ status: 'PARTIALLY_FILLED', filledQuantity: 4, averagePrice: 800, brokerTimestamp: t + 1000 }),
    );
    expect(broker.calls).toEqual([]);
    await apply(
      entry({ status: 'PENDING', brokerStatus: 'PUT ORDER REQ RECEIVED', brokerTimestamp: t }),
      true,
    );
    expect(broker.calls).toEqual(['place X1 SL-M SELL 4 @790', 'place X2 LIMIT SELL 4 @820']);
    expect(
      published.map((e) => [e.type, (e.data as { parentBrokerOrderId?: string }).parentBrokerOrderId]),
    ).toEqual([
      ['order.placed', 'E1'],
      ['order.placed', 'E1'],
    ]);
    const tags = [...broker.placed.values()].map((r) => r.tag);
    expect(tags).toEqual([
      expect.stringMatching(/^sl[0-9a-f]{16}$/),
      expect.stringMatching(/^tg[0-9a-f]{16}$/),
    ]);

    // The rest of the entry fills: both legs grow to 10.
    const leg = (id: string, over: Partial<CanonicalOrder>) => {
      const r = broker.placed.get(id)!;
      return sampleOrder({
        ...entryRef,
        brokerOrderId: id,
        clientTag: r.tag ?? null,
        side: 'SELL',
        orderType: r.orderType,
        quantity: r.quantity,
        price: r.price ?? 0,
        triggerPrice: r.triggerPrice ?? 0,
        brokerTimestamp: t + 2000,
        exchangeTimestamp: t + 2000,
        ...over,
      });
    };
    await apply(leg('X1', { status: 'TRIGGER_PENDING', brokerStatus: 'TRIGGER PENDING' }));
    await apply(leg('X2', { status: 'OPEN' }));
    await apply(
      entry({ status: 'FILLED', filledQuantity: 10, averagePrice: 801, brokerTimestamp: t + 3000 }),
    );
    expect(broker.calls.slice(2)).toEqual(['modify X1 qty 10', 'modify X2 qty 10']);
    await apply(leg('X1', { status: 'TRIGGER_PENDING', quantity: 10, brokerTimestamp: t + 4000 }));
    await apply(leg('X2', { status: 'OPEN', quantity: 10, brokerTimestamp: t + 4000 }));
    expect(broker.calls).toHaveLength(4);
    // A live trailing stop: its instrument needs last prices even if the position were flat.
    await expect(a.trailingInstruments()).resolves.toEqual([{ exchange: 'NSE', symbol: 'SBIN' }]);

    // The price rises: the trailing stop follows (2.5 below the best), at most once per second.
    await a.onPrice('NSE', 'SBIN', 805);
    await b.onPrice('NSE', 'SBIN', 806);
    now += 1_000;
    await b.onPrice('NSE', 'SBIN', 806);
    expect(broker.calls.slice(4)).toEqual(['modify X1 trigger 802.5', 'modify X1 trigger 803.5']);

    // The target fills: the stop is cancelled (by automation), the trader hears "target hit".
    await apply(
      leg('X2', {
        status: 'FILLED',
        quantity: 10,
        filledQuantity: 10,
        averagePrice: 820,
        brokerTimestamp: t + 5000,
      }),
    );
    expect(broker.calls.slice(6)).toEqual(['cancel X1']);
    expect(notes).toEqual([expect.stringMatching(/^target-hit: Target hit: SELL 10 SBIN at 820.00/)]);
    await expect(write.getDoc('cancel-by|zerodha|AB1234|X1')).resolves.toBe('automation');
    await apply(leg('X1', { status: 'CANCELLED', quantity: 10, brokerTimestamp: t + 6000 }));
    expect(broker.calls).toHaveLength(7);
    await expect(b.trailingInstruments()).resolves.toEqual([]);
    const [position] = await read.listPositions({ broker: 'zerodha', accountId: 'AB1234' });
    // Kite-style cumulative averages imply a 801.6667 fill for the last 6: paise-level rounding only.
    expect(position.netQuantity).toBe(0);
    expect(position.realizedPnl).toBeCloseTo(190, 2);
  });

  it('after a crash between recording a leg and the broker ack, finds the order by its tag instead of placing twice', async () => {
    const prefix = testPrefix('exits');
    const write = new PortfolioWriteRepository(redis, { prefix });
    const read = new PortfolioReadRepository(redis, { prefix });
    const broker = fakeBroker();
    const entry = sampleOrder({
      ...entryRef,
      quantity: 5,
      status: 'FILLED',
      filledQuantity: 5,
      averagePrice: 800,
    });
    await write.applyEnvelope(
      createEnvelope(
        'order.placed',
        { order: entry, userId: 'demo', idempotencyKey: 'k2', protection: { stopLoss: 790 } },
        { source: 'order-api', channel: 'rest' },
      ),
      null,
    );
    const service = new ExitsService(
      read,
      write,
      { forAccount: () => broker.commands },
      { publish: () => Promise.resolve(), notify: () => Promise.resolve() },
      () => t,
    );
    // What a crashed replica left: the leg recorded, no id; the broker had taken the order.
    const { exitTag } = await import('../src/automation/exit-plan');
    const tag = exitTag('stop', entryRef);
    await write.putDoc('oco|zerodha|AB1234|E1', {
      stop: { tag, brokerOrderId: null, price: 790, quantity: 5 },
      target: null,
      trail: null,
      closed: false,
    });
    broker.commands.getOrderBook = () =>
      Promise.resolve([
        sampleOrder({ ...entryRef, brokerOrderId: 'B7', clientTag: tag, side: 'SELL', quantity: 5 }),
      ]);
    await service.evaluate(entryRef);
    expect(broker.calls).toEqual([]);
    await expect(service.state(entryRef)).resolves.toMatchObject({ stop: { tag, brokerOrderId: 'B7' } });
  });
});
