import { HttpException, Logger } from '@nestjs/common';
import type { BrokerAccount, IdentityService, Principal } from '@fillwire/identity';
import type { OrderApiConfig } from '../config/order-api-config.schema';
import type { OrdersService } from '../orders/orders.service';
import { DemoTrafficService } from './demo-traffic.service';

const ACCOUNTS: Record<string, BrokerAccount[]> = {
  demo: [
    { accountId: 'AB1234', broker: 'zerodha', userId: 'demo', linkedAt: 1 },
    { accountId: 'JN0001', broker: 'jainam', userId: 'demo', linkedAt: 1 },
  ],
  demo2: [{ accountId: 'CD5678', broker: 'zerodha', userId: 'demo2', linkedAt: 1 }],
};

interface Call {
  kind: 'place' | 'modify' | 'cancel';
  principal: Principal;
  arg: unknown;
  key?: string | null;
}

/** OrdersService as the traffic sees it: records calls; `gate` holds a call open until released. */
function fakeOrders() {
  const calls: Call[] = [];
  let gate: Promise<void> | null = null;
  let next = 0;
  const wait = async () => {
    if (gate) await gate;
  };
  const orders = {
    async place(principal: Principal, body: { accountId: string }, key: string | null) {
      calls.push({ kind: 'place', principal, arg: body, key });
      await wait();
      next += 1;
      return { status: 201, body: { orderId: `o${next}`, eventId: `e${next}` } };
    },
    async modify(principal: Principal, orderId: string) {
      calls.push({ kind: 'modify', principal, arg: orderId });
      await wait();
      // The order filled meanwhile: the broker refuses, as Kite does.
      throw new HttpException(
        { statusCode: 400, message: 'Order cannot be modified as it is completed.' },
        400,
      );
    },
    async cancel(principal: Principal, orderId: string) {
      calls.push({ kind: 'cancel', principal, arg: orderId });
      await wait();
      return { orderId, status: 'accepted' as const };
    },
  };
  return {
    orders: orders as unknown as OrdersService,
    calls,
    hold: () => {
      let release!: () => void;
      gate = new Promise((resolve) => (release = resolve));
      return () => {
        gate = null;
        release();
      };
    },
  };
}

const identity = {
  listAccounts: (userId: string) => Promise.resolve(ACCOUNTS[userId] ?? []),
} as unknown as IdentityService;

const config = (over: Partial<OrderApiConfig> = {}) =>
  ({
    FILLWIRE_DEMO: true,
    FILLWIRE_DEMO_TRAFFIC: true,
    FILLWIRE_DEMO_TRAFFIC_INTERVAL_MS: 1000,
    ...over,
  }) as OrderApiConfig;

/** Lets the timers fire and every promise they start settle. */
async function advance(ms: number): Promise<void> {
  await jest.advanceTimersByTimeAsync(ms);
}

describe('DemoTrafficService', () => {
  beforeAll(() => {
    Logger.overrideLogger(false);
  });
  afterAll(() => {
    Logger.overrideLogger(['log', 'error', 'warn']);
  });
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('does nothing unless demo mode and FILLWIRE_DEMO_TRAFFIC are both on', async () => {
    for (const over of [{ FILLWIRE_DEMO_TRAFFIC: false }, { FILLWIRE_DEMO: false }]) {
      const fake = fakeOrders();
      const service = new DemoTrafficService(config(over), fake.orders, identity);
      service.onApplicationBootstrap();
      await advance(60_000);
      expect(fake.calls).toEqual([]);
      await service.onModuleDestroy();
    }
  });

  it('acts one step at a time at the configured pace, as the demo users, with fresh idempotency keys', async () => {
    const fake = fakeOrders();
    const service = new DemoTrafficService(config(), fake.orders, identity);
    service.onApplicationBootstrap();
    await advance(666);
    expect(fake.calls).toEqual([]);
    await advance(60_000 - 666);
    // Gaps are 2/3 to 4/3 of 1 s: 45 to 90 steps in a minute.
    expect(fake.calls.length).toBeGreaterThanOrEqual(45);
    expect(fake.calls.length).toBeLessThanOrEqual(90);
    const places = fake.calls.filter((c) => c.kind === 'place');
    expect(new Set(places.map((c) => c.key)).size).toBe(places.length);
    for (const call of places) expect(call.key).toMatch(/^demo-[0-9a-f]{8}-\d+$/);
    for (const call of fake.calls) {
      expect(['demo', 'demo2']).toContain(call.principal.userId);
      expect(call.principal.accounts).toEqual(ACCOUNTS[call.principal.userId]);
    }
    // A refused modify (order already done) does not stop the traffic; cancels still follow.
    expect(fake.calls.some((c) => c.kind === 'modify')).toBe(true);
    expect(fake.calls.some((c) => c.kind === 'cancel')).toBe(true);
    await service.onModuleDestroy();
  });

  it('on shutdown lets the action in flight finish and starts no other', async () => {
    const fake = fakeOrders();
    const service = new DemoTrafficService(config(), fake.orders, identity);
    service.onApplicationBootstrap();
    const release = fake.hold();
    await advance(1500);
    expect(fake.calls).toHaveLength(1);
    let stopped = false;
    const stopping = service.onModuleDestroy().then(() => (stopped = true));
    await advance(10);
    expect(stopped).toBe(false);
    release();
    await stopping;
    await advance(60_000);
    expect(fake.calls).toHaveLength(1);
  });
});
