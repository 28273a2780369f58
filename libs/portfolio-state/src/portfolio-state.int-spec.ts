import fc from 'fast-check';
import Redis from 'ioredis';
import { createEnvelope, type Broker, type CanonicalOrder, type Product } from '@fillwire/events';
import { testPrefix, testRedisUrl } from '@fillwire/testing';
import { PortfolioReadRepository } from './portfolio-read.repository';
import { PortfolioWriteRepository } from './portfolio-write.repository';
import { computePositionMath } from './fill-math';
import type { PositionRecord } from './portfolio-state.types';
import { expectedTotals, generateBrokerScenario, type BrokerUpdateEnvelope } from './testing/broker-scenario';

let redis: Redis;

beforeAll(async () => {
  redis = new Redis(await testRedisUrl(), { lazyConnect: false });
});
afterAll(async () => {
  await redis.quit();
});

function stores() {
  const prefix = testPrefix('pm');
  return {
    write: new PortfolioWriteRepository(redis, { prefix }),
    read: new PortfolioReadRepository(redis, { prefix }),
  };
}

/** Everything a client can read: orders (with fills) and positions of every account. */
async function snapshot(read: PortfolioReadRepository) {
  const accounts = await read.listAccounts();
  const out: Record<string, unknown> = {};
  for (const a of accounts) {
    out[`${a.broker}|${a.accountId}|orders`] = await read.listOrders(a);
    out[`${a.broker}|${a.accountId}|positions`] = (await read.listPositions(a)).map((p) => ({
      ...p,
      version: 0,
    }));
    out[`${a.broker}|${a.accountId}|trades`] = await read.listTrades(a);
  }
  return out;
}

/** A Kite partial-fill update as the order book would label it ('OPEN' instead of 'UPDATE'): same state, other text. */
function relabel(e: BrokerUpdateEnvelope): BrokerUpdateEnvelope {
  if (
    e.type !== 'order.updated' ||
    e.data.order.broker !== 'zerodha' ||
    e.data.order.status !== 'PARTIALLY_FILLED'
  )
    return e;
  return { ...e, channel: 'polling', data: { ...e.data, order: { ...e.data.order, brokerStatus: 'OPEN' } } };
}

describe('portfolio state on Redis (Lua apply)', () => {
  it('any permutation with duplicates ends in the same orders and positions as the ordered sequence', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 400 }),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        async (seed, orders, shuffle, dupRate) => {
          const scenario = generateBrokerScenario({ seed, orders, symbols: ['SBIN', 'INFY'] });
          const ordered = stores();
          for (const e of scenario.events) await ordered.write.applyEnvelope(e, null);

          // Shuffle by random keys, add duplicates (some relabelled copies), apply by 3 "replicas" at once.
          const deliveries = scenario.events.flatMap((e, i) => {
            const copies = [e];
            if ((shuffle[i % shuffle.length] % 100) / 100 < dupRate) copies.push(i % 2 ? e : relabel(e));
            return copies;
          });
          const keyed = deliveries.map((e, i) => ({
            e,
            k: shuffle[(i * 7) % shuffle.length] ^ (i * 2654435761),
          }));
          keyed.sort((a, b) => a.k - b.k);
          const shuffled = stores();
          const lanes = [0, 1, 2].map((lane) => keyed.filter((_, i) => i % 3 === lane));
          await Promise.all(
            lanes.map(async (lane) => {
              for (const { e } of lane) await shuffled.write.applyEnvelope(e, null);
            }),
          );

          const a = await snapshot(ordered.read);
          const b = await snapshot(shuffled.read);
          expect(b).toEqual(a);

          // And both equal the broker's ground truth.
          const totals = expectedTotals(scenario.fills);
          for (const account of await ordered.read.listAccounts()) {
            for (const p of await ordered.read.listPositions(account)) {
              const want = totals.get(
                `${p.broker}|${p.accountId}|${p.exchange}|${p.symbol}|${p.product}`,
              ) ?? {
                net: 0,
                buyQty: 0,
                sellQty: 0,
                buyValue: 0,
                sellValue: 0,
              };
              expect(p.netQuantity).toBe(want.net);
              expect(p.dayBuyQuantity).toBe(want.buyQty);
              expect(p.daySellQuantity).toBe(want.sellQty);
              expect(p.dayBuyValue).toBeCloseTo(want.buyValue, 2);
              expect(p.daySellValue).toBeCloseTo(want.sellValue, 2);
            }
            for (const o of await ordered.read.listOrders(account)) {
              const final = scenario.finals.get(o.order.brokerOrderId);
              expect(o.order.status).toBe(final?.status);
              expect(o.order.filledQuantity).toBe(final?.filledQuantity);
              expect(o.overfilled).toBe(false);
            }
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it('positions kept as totals by replicas applying at once equal the positions of every fill', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 200 }),
        async (seed, orders, shuffle) => {
          const scenario = generateBrokerScenario({ seed, orders, symbols: ['SBIN', 'INFY'] });
          const shared = testPrefix('pm-totals');
          const replicas = [0, 1, 2].map(() => new PortfolioWriteRepository(redis, { prefix: shared }));
          const read = new PortfolioReadRepository(redis, { prefix: shared });
          const keyed = scenario.events
            .map((e, i) => ({ e, k: shuffle[i % shuffle.length] ^ (i * 2654435761) }))
            .sort((a, b) => a.k - b.k);
          // Three replicas apply in parallel lanes, so each moves positions other replicas move too.
          await Promise.all(
            replicas.map(async (write, lane) => {
              for (const [i, { e }] of keyed.entries())
                if (i % 3 === lane) await write.applyEnvelope(e, null);
            }),
          );
          for (const account of await read.listAccounts()) {
            const fills = await read.listTrades(account);
            for (const p of await read.listPositions(account)) {
              const want = computePositionMath(
                fills.filter(
                  (f) => f.exchange === p.exchange && f.symbol === p.symbol && f.product === p.product,
                ),
              );
              // Fill prices are rounded to 1/10000 each; the totals keep the exact sum.
              const tolerance = 0.0001 * (want.dayBuyQuantity + want.daySellQuantity);
              expect(p).toMatchObject({
                netQuantity: want.netQuantity,
                dayBuyQuantity: want.dayBuyQuantity,
                daySellQuantity: want.daySellQuantity,
              });
              for (const field of ['dayBuyValue', 'daySellValue', 'realizedPnl', 'averagePrice'] as const)
                expect(Math.abs(p[field] - want[field])).toBeLessThanOrEqual(tolerance);
              expect((await replicas[0].position(p)).version).toBe(p.version);
            }
          }
        },
      ),
      { numRuns: 20 },
    );
  });

  it('every step that moves a position announces it: the last announced position is the stored one', async () => {
    const scenario = generateBrokerScenario({
      seed: 21,
      orders: 30,
      symbols: ['SBIN', 'INFY', 'TCS', 'ITC'],
    });
    const { write, read } = stores();
    const announced = new Map<string, PositionRecord>();
    const key = (p: PositionRecord) => `${p.broker}|${p.accountId}|${p.exchange}|${p.symbol}|${p.product}`;
    for (const e of scenario.events) {
      const applied = await write.applyEnvelope(e, null);
      if (applied.result.positionChanged)
        announced.set(key(applied.result.position), applied.result.position);
    }
    const stored = (await Promise.all((await read.listAccounts()).map((a) => read.listPositions(a)))).flat();
    expect(stored.length).toBeGreaterThan(0);
    for (const p of stored) expect(announced.get(key(p))).toEqual(p);
  });

  it('orders and positions stored before the totals existed are counted when next touched or read', async () => {
    const scenario = generateBrokerScenario({ seed: 5, orders: 12, symbols: ['SBIN', 'INFY', 'TCS'] });
    const half = Math.floor(scenario.events.length / 2);
    const firstHalf = stores();
    for (const e of scenario.events.slice(0, half)) await firstHalf.write.applyEnvelope(e, null);
    const fresh = stores();
    for (const e of scenario.events) await fresh.write.applyEnvelope(e, null);
    const strip = (ps: PositionRecord[]) => ps.map((p) => ({ ...p, version: 0 }));

    const old = stores();
    for (const e of scenario.events.slice(0, half)) await old.write.applyEnvelope(e, null);
    // What an earlier version left: order hashes without the fill totals, positions without totals.
    const root = old.write.keys.root;
    for (const key of await redis.keys(`${root}:o:*:h`))
      await redis.hdel(key, 'n', 'tq', 'tv', 'cq', 'cv', 'sd', 'pk', 'pq', 'pv', 'ps');
    const totals = await redis.keys(`${root}:p:*:t`);
    expect(totals.length).toBeGreaterThan(0);
    await redis.del(...totals);
    // Read before anything else touches them: built from the stored orders alone.
    for (const account of await firstHalf.read.listAccounts())
      expect(strip(await old.read.listPositions(account))).toEqual(
        strip(await firstHalf.read.listPositions(account)),
      );
    await redis.del(...totals);

    for (const e of scenario.events.slice(half)) await old.write.applyEnvelope(e, null);
    // Some positions were touched again (built then), others are built by this read.
    for (const account of await fresh.read.listAccounts())
      expect(strip(await old.read.listPositions(account))).toEqual(
        strip(await fresh.read.listPositions(account)),
      );
  });

  it('a stale or duplicate update is kept in the timeline and never regresses the order', async () => {
    const { write, read } = stores();
    const scenario = generateBrokerScenario({ seed: 7, orders: 1 });
    const [placed, ...rest] = scenario.events;
    if (placed.type !== 'order.placed') throw new Error('a scenario starts with order.placed');
    const last = rest[rest.length - 1];
    await write.applyEnvelope(last, 1000);
    const stale = await write.applyEnvelope(placed, null);
    expect(stale.kind === 'order' && stale.result.verdict).toBe('stale');
    const again = await write.applyEnvelope(last, null);
    expect(again.kind === 'order' && again.result).toMatchObject({ verdict: 'duplicate', redelivery: true });
    const ref = {
      broker: placed.data.order.broker,
      accountId: placed.data.order.accountId,
      brokerOrderId: placed.data.order.brokerOrderId,
    };
    const record = await read.getOrder(ref);
    expect(record?.order.status).toBe(scenario.finals.get(ref.brokerOrderId)?.status);
    expect(record?.meta).toMatchObject({ userId: 'demo' });
    const timeline = await read.getTimeline(ref);
    expect(timeline.map((t) => t.verdict)).toEqual(['new', 'stale', 'duplicate']);
    expect(timeline[0].latencyMs).toBe(
      last.receivedAt - (last.type === 'order.updated' ? (last.data.order.brokerTimestamp ?? 0) : 0),
    );
    expect(timeline[0].publishToApplyMs).toBeGreaterThan(0);
    expect(timeline[1].channel).toBe('rest');
  });

  it('openInstruments: each instrument with a non-flat position once, from totals or built', async () => {
    const { write, read } = stores();
    const scenario = generateBrokerScenario({
      seed: 11,
      orders: 60,
      symbols: ['SBIN', 'INFY', 'TCS', 'ITC'],
    });
    for (const e of scenario.events) await write.applyEnvelope(e, null);
    // Every TCS position closed by one more fill: TCS must drop out, the others stay.
    let n = 0;
    for (const [key, totals] of expectedTotals(scenario.fills)) {
      const [broker, accountId, , symbol, product] = key.split('|') as [
        Broker,
        string,
        string,
        string,
        Product,
      ];
      if (symbol !== 'TCS' || totals.net === 0) continue;
      const quantity = Math.abs(totals.net);
      const order: CanonicalOrder = {
        broker,
        accountId,
        brokerOrderId: String(990000 + n++),
        exchangeOrderId: null,
        clientTag: null,
        symbol,
        exchange: 'NSE',
        side: totals.net > 0 ? 'SELL' : 'BUY',
        product,
        orderType: 'MARKET',
        quantity,
        price: 0,
        triggerPrice: 0,
        filledQuantity: quantity,
        pendingQuantity: 0,
        averagePrice: 3100,
        status: 'FILLED',
        statusMessage: null,
        brokerStatus: broker === 'jainam' ? 'Filled' : 'COMPLETE',
        brokerTimestamp: Date.now(),
        exchangeTimestamp: Date.now(),
      };
      await write.applyEnvelope(
        createEnvelope('order.updated', { order }, { source: 'test', channel: 'polling' }),
        null,
      );
    }
    expect(n).toBeGreaterThan(0);
    const seen = async () => (await read.openInstruments()).map((i) => `${i.exchange}|${i.symbol}`).sort();
    const want = ['NSE|INFY', 'NSE|ITC', 'NSE|SBIN'];
    expect(await seen()).toEqual(want);
    // Positions stored before the totals existed are built from their orders.
    await redis.del(...(await redis.keys(`${write.keys.root}:p:*:t`)));
    await Promise.all(
      (await redis.keys(`${write.keys.root}:o:*:h`)).map((k) => redis.hdel(k, 'n', 'pk', 'pq', 'pv', 'ps')),
    );
    expect(await seen()).toEqual(want);
  });
});
