import Redis from 'ioredis';
import { busKeys } from '@fillwire/event-bus';
import {
  PortfolioReadRepository,
  PortfolioWriteRepository,
  expectedTotals,
  generateBrokerScenario,
} from '@fillwire/portfolio-state';
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

  /** Every envelope on the log, oldest first. */
  async function logged(stream: string): Promise<Array<{ type: string; data: Record<string, unknown> }>> {
    return (await redis.xrange(stream, '-', '+')).map(
      ([, fields]) => JSON.parse(fields[1]) as { type: string; data: Record<string, unknown> },
    );
  }

  /** Two replicas, ready. No broker (a closed port) and no automation: these tests are about the state. */
  async function startReplicas(prefix: string): Promise<ServiceProcess[]> {
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
    return Promise.all([start(), start()]);
  }

  it('10,000 updates over 100 orders, out of order and duplicated, end in exact positions', async () => {
    const prefix = testPrefix('pm2');
    services.push(...(await startReplicas(prefix)));

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

  it('an overfill (one more execution than the order has) is alerted once across the replicas', async () => {
    const prefix = testPrefix('pm2-overfill');
    services.push(...(await startReplicas(prefix)));

    const scenario = generateBrokerScenario({ seed: 77, orders: 20 });
    const trade = scenario.events.find(
      (e) => e.type === 'trade.executed' && scenario.finals.get(e.data.brokerOrderId)?.status === 'FILLED',
    );
    if (trade?.type !== 'trade.executed') throw new Error('the scenario has a filled XTS order');
    const order = scenario.finals.get(trade.data.brokerOrderId);
    const orderEvents = scenario.events.filter(
      (e) => (e.type === 'trade.executed' ? e.data : e.data.order).brokerOrderId === trade.data.brokerOrderId,
    );
    // The broker reports one execution too many: fills exceed the ordered quantity.
    const extra = {
      ...trade,
      id: `${trade.id}-extra`,
      data: { ...trade.data, tradeId: `${trade.data.tradeId}-extra` },
    };
    const stream = busKeys(prefix).events;
    // Every event twice, so both replicas see the overfill step.
    for (const e of [...orderEvents, extra, extra, ...orderEvents])
      await redis.xadd(stream, '*', 'envelope', JSON.stringify(e));

    const alerts = async () =>
      (await logged(stream)).filter((e) => e.type === 'order.notification' && e.data.kind === 'alert');
    await waitFor(async () => (await alerts()).length > 0, { timeoutMs: 30_000, what: 'the overfill alert' });
    // Both replicas applied every entry by now; one alert only.
    await waitFor(
      async () => {
        const [pending] = (await redis.xpending(stream, 'portfolio-manager')) as [number];
        return pending === 0;
      },
      { timeoutMs: 30_000, what: 'every entry handled' },
    );
    const found = await alerts();
    expect(found).toHaveLength(1);
    expect(found[0].data).toMatchObject({
      brokerOrderId: trade.data.brokerOrderId,
      message: `Overfill: ${order?.side} ${order?.symbol} order ${order?.brokerOrderId} reports ${(order?.quantity ?? 0) + trade.data.quantity} filled of ${order?.quantity}`,
    });
  }, 90_000);

  it('an update applied by a replica that died before announcing it is announced when redelivered', async () => {
    const prefix = testPrefix('pm2-redeliver');
    services.push(...(await startReplicas(prefix)));
    const scenario = generateBrokerScenario({ seed: 99, orders: 10 });
    const filled = scenario.events.find(
      (e) =>
        e.type === 'order.updated' && e.data.order.status === 'FILLED' && e.data.order.broker === 'zerodha',
    );
    if (filled?.type !== 'order.updated') throw new Error('the scenario has a filled Kite order');
    const id = filled.data.order.brokerOrderId;
    // The dead replica's Lua step ran (state, fills, position), then it died: nothing announced.
    const dead = new PortfolioWriteRepository(redis, { prefix });
    for (const e of scenario.events.filter(
      (e) => e.type !== 'trade.executed' && e.data.order.brokerOrderId === id,
    ))
      await dead.applyEnvelope(e, null);
    const stream = busKeys(prefix).events;
    await redis.xadd(stream, '*', 'envelope', JSON.stringify(filled));

    const announced = async () => (await logged(stream)).filter((e) => e.type !== 'order.updated');
    await waitFor(async () => (await announced()).length >= 3, {
      timeoutMs: 30_000,
      what: 'the announcements',
    });
    const found = await announced();
    expect(found.map((e) => e.type).sort()).toEqual([
      'order.filled',
      'order.notification',
      'position.updated',
    ]);
    expect(found.find((e) => e.type === 'order.notification')?.data).toMatchObject({
      kind: 'fill',
      brokerOrderId: id,
    });
    expect(found.find((e) => e.type === 'position.updated')?.data).toMatchObject({
      dayBuyQuantity: filled.data.order.side === 'BUY' ? filled.data.order.filledQuantity : 0,
      daySellQuantity: filled.data.order.side === 'SELL' ? filled.data.order.filledQuantity : 0,
    });
  }, 90_000);
});
