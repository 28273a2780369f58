import Redis from 'ioredis';
import { busKeys } from '@fillwire/event-bus';
import { PortfolioReadRepository, expectedTotals, generateBrokerScenario } from '@fillwire/portfolio-state';
import {
  freePort,
  startServiceProcess,
  testPrefix,
  testRedisUrl,
  waitFor,
  type ServiceProcess,
} from '@fillwire/testing';

/** Deterministic shuffle (xorshift) so a failure can be replayed. */
function shuffle<T>(items: T[], seed: number): T[] {
  let x = seed;
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const j = Math.abs(x) % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const metrics = async (s: ServiceProcess) => (await fetch(`${s.url}/metrics`)).text();

describe('two portfolio-manager processes on one Redis', () => {
  let redis: Redis;
  const services: ServiceProcess[] = [];

  beforeAll(async () => {
    redis = new Redis(await testRedisUrl());
  });
  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    await redis.quit();
  });

  it('10,000 updates over 100 orders, out of order and duplicated, end in exact positions', async () => {
    const prefix = testPrefix('pm2');
    // No broker here: a closed port, and no automation; this test is about the state alone.
    const nowhere = `http://127.0.0.1:${await freePort()}`;
    const env = {
      REDIS_URL: await testRedisUrl(),
      FILLWIRE_PREFIX: prefix,
      LOG_LEVEL: 'warn',
      PM_AUTOMATION: '0',
      RECONCILE_INTERVAL: '1h',
      KITE_ROOT_URL: nowhere,
      XTS_BASE_URL: nowhere,
    };
    const start = async () => {
      const service = await startServiceProcess('portfolio-manager', env);
      await service.ready();
      return service;
    };
    services.push(...(await Promise.all([start(), start()])));

    const scenario = generateBrokerScenario({ seed: 4242, orders: 100 });
    const deliveries: string[] = [];
    for (let i = 0; deliveries.length < 10_000; i++) {
      deliveries.push(JSON.stringify(scenario.events[i % scenario.events.length]));
    }
    // Raw XADD: the publisher would drop the duplicates by id, and the point is to deliver them.
    const stream = busKeys(prefix).events;
    const shuffled = shuffle(deliveries, 99);
    for (let i = 0; i < shuffled.length; i += 500) {
      const pipeline = redis.pipeline();
      for (const envelope of shuffled.slice(i, i + 500)) pipeline.xadd(stream, '*', 'envelope', envelope);
      await pipeline.exec();
    }

    const applied = async () =>
      (await Promise.all(services.map((s) => metrics(s))))
        .flatMap((text) => [...text.matchAll(/^fillwire_portfolio_updates_total\{[^}]*\} (\d+)/gm)])
        .reduce((sum, m) => sum + Number(m[1]), 0);
    await waitFor(async () => (await applied()) >= 10_000, {
      timeoutMs: 90_000,
      intervalMs: 500,
      what: '10,000 updates applied by the two replicas',
    });
    const perReplica = await Promise.all(
      services.map(async (s) =>
        [...(await metrics(s)).matchAll(/^fillwire_portfolio_updates_total\{[^}]*\} (\d+)/gm)].reduce(
          (sum, m) => sum + Number(m[1]),
          0,
        ),
      ),
    );
    expect(perReplica.every((n) => n > 0)).toBe(true);

    const read = new PortfolioReadRepository(redis, { prefix });
    const totals = expectedTotals(scenario.fills);
    let checked = 0;
    for (const account of await read.listAccounts()) {
      for (const p of await read.listPositions(account)) {
        const want = totals.get(`${p.broker}|${p.accountId}|${p.exchange}|${p.symbol}|${p.product}`);
        expect({ net: p.netQuantity, buy: p.dayBuyQuantity, sell: p.daySellQuantity }).toEqual({
          net: want?.net ?? 0,
          buy: want?.buyQty ?? 0,
          sell: want?.sellQty ?? 0,
        });
        expect(p.dayBuyValue).toBeCloseTo(want?.buyValue ?? 0, 2);
        expect(p.daySellValue).toBeCloseTo(want?.sellValue ?? 0, 2);
        checked += 1;
      }
      for (const o of await read.listOrders(account)) {
        const final = scenario.finals.get(o.order.brokerOrderId);
        expect([o.order.status, o.order.filledQuantity]).toEqual([final?.status, final?.filledQuantity]);
      }
    }
    expect(checked).toBe(totals.size);
    expect((await read.listAccounts()).length).toBe(2);
  }, 150_000);
});
