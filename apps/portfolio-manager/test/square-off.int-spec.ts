import Redis from 'ioredis';
import type { CancelOrderRequest, OrderAck, PlaceOrderRequest } from '@fillwire/broker-adapters';
import { createEnvelope, sampleOrder } from '@fillwire/events';
import { PortfolioReadRepository, PortfolioWriteRepository } from '@fillwire/portfolio-state';
import { testPrefix, testRedisUrl } from '@fillwire/testing';
import type { BrokerCommands } from '../src/automation/broker-commands';
import { parseSquareOffSchedule } from '../src/automation/square-off-schedule';
import { SquareOffService, type SquareOffNotifier } from '../src/automation/square-off.service';

const MONDAY_1510_IST = Date.parse('2026-01-05T09:40:00Z');
const MONDAY_1516_IST = Date.parse('2026-01-05T09:46:00Z');
const SATURDAY_1600_IST = Date.parse('2026-01-03T10:30:00Z');

describe('MIS square-off (real Redis, fake clock, two replicas)', () => {
  let redis: Redis;
  beforeAll(async () => {
    redis = new Redis(await testRedisUrl());
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('at the cut-off cancels open MIS orders, then closes MIS positions, exactly once across replicas', async () => {
    const prefix = testPrefix('sq');
    const write = new PortfolioWriteRepository(redis, { prefix });
    const read = new PortfolioReadRepository(redis, { prefix });
    const t = Date.parse('2026-01-05T05:00:00Z');
    const filled = sampleOrder({
      broker: 'jainam',
      accountId: 'JN0001',
      brokerOrderId: '1',
      status: 'FILLED',
      brokerStatus: 'Filled',
      filledQuantity: 10,
      averagePrice: 800,
      brokerTimestamp: t,
      exchangeTimestamp: t,
    });
    const open = sampleOrder({
      broker: 'jainam',
      accountId: 'JN0001',
      brokerOrderId: '2',
      status: 'OPEN',
      brokerStatus: 'New',
      brokerTimestamp: t,
      exchangeTimestamp: t,
    });
    const cnc = sampleOrder({
      broker: 'jainam',
      accountId: 'JN0001',
      brokerOrderId: '3',
      product: 'CNC',
      status: 'FILLED',
      brokerStatus: 'Filled',
      filledQuantity: 5,
      averagePrice: 800,
      brokerTimestamp: t,
      exchangeTimestamp: t,
    });
    const openHere = { ...open, brokerOrderId: '6' };
    for (const order of [filled, open, cnc, openHere]) {
      await write.applyEnvelope(
        createEnvelope('order.updated', { order }, { source: 'test', channel: 'socket' }),
        null,
      );
    }

    const calls: string[] = [];
    const placed: PlaceOrderRequest[] = [];
    const ack = (brokerOrderId: string): OrderAck => ({
      broker: 'jainam',
      accountId: 'JN0001',
      brokerOrderId,
      clientTag: null,
    });
    const commands: BrokerCommands = {
      placeOrder: (r: PlaceOrderRequest) => {
        calls.push(`place ${r.side} ${r.quantity} ${r.symbol} ${r.product}`);
        placed.push(r);
        return Promise.resolve(ack('9'));
      },
      cancelOrder: (r: CancelOrderRequest) => {
        calls.push(`cancel ${r.brokerOrderId}`);
        return Promise.resolve(ack(r.brokerOrderId));
      },
      modifyOrder: () => Promise.reject(new Error('not used')),
      // The book also holds a resting MIS order we never heard of (Kite pushes nothing on placement)
      // and knows that one we think open has been filled.
      getOrderBook: () =>
        Promise.resolve([
          open,
          sampleOrder({ ...open, brokerOrderId: '4' }),
          sampleOrder({ ...open, brokerOrderId: '6', status: 'FILLED', filledQuantity: 10 }),
          sampleOrder({ ...open, brokerOrderId: '5', product: 'CNC' }),
        ]),
      getPositions: () => Promise.reject(new Error('not used')),
    };
    const notes: string[] = [];
    const notifier: SquareOffNotifier = { notify: (n) => Promise.resolve(void notes.push(n.kind)) };
    let now = MONDAY_1510_IST;
    const schedule = parseSquareOffSchedule('', []);
    const replica = () =>
      new SquareOffService(read, write, { forAccount: () => commands }, notifier, schedule, () => now);
    const [a, b] = [replica(), replica()];

    expect(await a.tick()).toEqual([]);
    now = SATURDAY_1600_IST;
    expect(await a.tick()).toEqual([]);
    now = MONDAY_1516_IST;
    const ran = (await Promise.all([a.tick(), b.tick(), a.tick()])).flat();
    expect(ran).toEqual(['jainam|JN0001|NSE|2026-01-05']);
    expect(calls).toEqual(['cancel 2', 'cancel 4', 'place SELL 10 SBIN MIS']);
    expect(placed[0]).toMatchObject({ orderType: 'MARKET', tag: expect.stringMatching(/^sq[0-9a-f]{16}$/) });
    expect(notes).toEqual(['square-off']);
    // order.cancelled of order 2 will say who cancelled it.
    await expect(write.getDoc('cancel-by|jainam|JN0001|2')).resolves.toBe('square-off');
  });
});
