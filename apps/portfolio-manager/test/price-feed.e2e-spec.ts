import { ZerodhaAdapter } from '@fillwire/broker-adapters';
import { EventPublisher } from '@fillwire/event-bus';
import { createEnvelope } from '@fillwire/events';
import { PortfolioReadRepository } from '@fillwire/portfolio-state';
import {
  startBrokerSimProcess,
  startServiceProcess,
  testPrefix,
  testRedisUrl,
  waitFor,
  type BrokerSimProcess,
  type ServiceProcess,
} from '@fillwire/testing';
import Redis from 'ioredis';

interface SimPosition {
  instrument: { exchange: string; tradingsymbol: string };
  netQuantity: number;
  unrealised: number;
  lastPrice: number;
}

// An instrument outside the seven NSE equities the feed used to know.
const OPTION = { exchange: 'NFO' as const, tradingsymbol: 'NIFTY26D0126000CE' };
const account = { broker: 'zerodha' as const, accountId: 'AB1234' };

jest.setTimeout(150_000);

/**
 * Two portfolio-manager processes, one Kite simulator: exactly one replica holds the price feed
 * (one ticker connection at the simulator), a kill -9 hands it to the other, and a NIFTY option
 * position gets its unrealized P&L from ticks, rounded as the broker rounds it.
 */
describe('one last-price feed per deployment', () => {
  let sim: BrokerSimProcess;
  let redis: Redis;
  let publisher: EventPublisher;
  let state: PortfolioReadRepository;
  let kite: ZerodhaAdapter;
  const replicas: ServiceProcess[] = [];

  beforeAll(async () => {
    const redisUrl = await testRedisUrl();
    const prefix = testPrefix('pm-feed');
    sim = await startBrokerSimProcess({ SIM_TICK_MS: '0', SIM_PARTIAL_FILL_PROBABILITY: '0' });
    redis = new Redis(redisUrl);
    publisher = new EventPublisher({ url: redisUrl, prefix });
    state = new PortfolioReadRepository(redis, { prefix });
    kite = new ZerodhaAdapter({
      ...account,
      apiKey: 'kite-demo',
      apiSecret: 'demo-secret',
      rootUrl: sim.kiteUrl,
    });
    await kite.generateSession('AB1234');
    const env = {
      ...sim.env,
      REDIS_URL: redisUrl,
      FILLWIRE_PREFIX: prefix,
      LOG_LEVEL: 'warn',
      RECONCILE_INTERVAL: '1h',
      PRICE_FEED_LEASE_TTL: '2s',
      PRICE_FEED_REFRESH_INTERVAL: '300ms',
    };
    const start = async () => {
      const service = await startServiceProcess('portfolio-manager', env);
      await service.ready();
      return service;
    };
    replicas.push(...(await Promise.all([start(), start()])));
  });
  afterAll(async () => {
    await Promise.all(replicas.map((r) => (r.process.exit ? Promise.resolve() : r.stop())));
    await sim?.stop();
    await publisher?.close();
    await redis?.quit();
  });

  const gauge = async (replica: ServiceProcess, name: string): Promise<number | null> => {
    if (replica.process.exit) return null;
    const text = await (await fetch(`${replica.url}/metrics`)).text();
    const m = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text);
    return m ? Number(m[1]) : null;
  };
  const tickerConnections = async () =>
    (await sim.admin<{ tickerConnections: number }>('/_sim/health')).tickerConnections;
  /** The one replica that holds the feed, once the simulator sees exactly one ticker connection. */
  const soleHolder = (instruments: number, among = replicas) =>
    waitFor(
      async () => {
        const owners = await Promise.all(among.map((r) => gauge(r, 'fillwire_price_feed_owner')));
        const holders = among.filter((_, i) => owners[i] === 1);
        if (holders.length !== 1 || owners.some((o) => o !== 0 && o !== 1)) return undefined;
        if ((await gauge(holders[0], 'fillwire_price_feed_instruments')) !== instruments) return undefined;
        return (await tickerConnections()) === 1 ? holders[0] : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 100, what: `one feed holder with ${instruments} instrument(s)` },
    );

  /** A MARKET order at the simulator, reported to the bus as the gateway would (read from the order book). */
  async function trade(side: 'BUY' | 'SELL', quantity: number): Promise<void> {
    const ack = await kite.placeOrder({
      ...account,
      symbol: OPTION.tradingsymbol,
      exchange: OPTION.exchange,
      side,
      quantity,
      orderType: 'MARKET',
      product: 'NRML',
    });
    const order = await waitFor(
      async () =>
        (await kite.getOrderBook()).find(
          (o) => o.brokerOrderId === ack.brokerOrderId && o.status === 'FILLED',
        ),
      { what: 'fill at the simulator' },
    );
    await publisher.publish(
      createEnvelope('order.updated', { order }, { source: 'zerodha-postback', channel: 'polling' }),
    );
  }

  /** Moves the option's price at the simulator; resolves with our position once it carries that price. */
  async function priceMovesTo(price: number) {
    await sim.admin('/_sim/price', { ...OPTION, price });
    const position = await waitFor(
      async () =>
        (await state.listPositions(account)).find(
          (p) => p.symbol === OPTION.tradingsymbol && p.lastPrice === price,
        ),
      { timeoutMs: 15_000, what: `last price ${price} applied to the option position` },
    );
    const truth = (
      await sim.admin<{ positions: Record<string, SimPosition[]> }>('/_sim/orders?userId=AB1234')
    ).positions.AB1234.find((p) => p.instrument.tradingsymbol === OPTION.tradingsymbol)!;
    return { position, truth };
  }

  it('one holder and one ticker; an option position gets unrealized P&L from ticks; kill -9 hands the feed over', async () => {
    await trade('BUY', 65);
    const first = await soleHolder(1);

    const before = await priceMovesTo(131.35);
    expect(before.position.netQuantity).toBe(65);
    expect(before.position.unrealizedPnl).toBe(before.truth.unrealised);
    expect(before.position.unrealizedPnl).toBeCloseTo(65 * (131.35 - before.position.averagePrice), 2);
    // The other replica does not hold the feed and has no subscription.
    const other = replicas.find((r) => r !== first)!;
    expect(await gauge(other, 'fillwire_price_feed_owner')).toBe(0);
    expect(await gauge(other, 'fillwire_price_feed_instruments')).toBe(0);

    await first.process.kill();
    const second = await soleHolder(1, [other]);
    expect(second).toBe(other);
    const after = await priceMovesTo(127.4);
    expect(after.position.unrealizedPnl).toBe(after.truth.unrealised);
    expect(after.position.unrealizedPnl).not.toBe(before.position.unrealizedPnl);

    // The position closes: the holder drops the subscription.
    await trade('SELL', 65);
    await soleHolder(0, [other]);
  });
});
