import { KiteOrderStream, ZerodhaAdapter, type TickRecord } from '../src';
import { startBrokerSimProcess, type BrokerSimProcess } from '@fillwire/testing';

const NIFTY_CE = 'NIFTY26D0126000CE';

/** The instrument master and ticker subscriptions against the Kite simulator (official client underneath). */
describe('Kite instrument master and tick subscriptions', () => {
  let sim: BrokerSimProcess;
  let adapter: ZerodhaAdapter;
  let stream: KiteOrderStream | null = null;

  beforeAll(async () => {
    sim = await startBrokerSimProcess({ SIM_TICK_MS: '0' });
    adapter = new ZerodhaAdapter({
      accountId: 'AB1234',
      apiKey: 'kite-demo',
      apiSecret: 'demo-secret',
      rootUrl: sim.kiteUrl,
    });
    await adapter.generateSession('AB1234');
  });
  afterAll(async () => {
    await stream?.stop();
    await sim?.stop();
  });

  it('reads the master through the adapter (gzipped CSV) into tokens, lots and option fields', async () => {
    const counted: string[] = [];
    const counting = new ZerodhaAdapter({
      accountId: 'AB1234',
      apiKey: 'kite-demo',
      rootUrl: sim.kiteUrl,
      restCalls: { inc: (l) => counted.push(l.operation) },
    });
    const session = await adapter.generateSession('AB1234');
    counting.setAccessToken(session.accessToken);
    const { instruments, skipped } = await counting.getInstruments();
    expect(skipped).toBe(0);
    expect(counted).toEqual(['instruments']);
    expect(instruments.find((i) => i.tradingsymbol === 'SBIN')).toMatchObject({
      instrumentToken: 779521,
      exchangeToken: 3045,
      exchange: 'NSE',
    });
    expect(instruments.find((i) => i.tradingsymbol === NIFTY_CE)).toMatchObject({
      exchange: 'NFO',
      name: 'NIFTY',
      expiry: '2026-12-01',
      strike: 26000,
      instrumentType: 'CE',
      lotSize: 65,
    });
    const nfo = await counting.getInstruments('NFO');
    expect(nfo.instruments.length).toBeGreaterThan(0);
    expect(nfo.instruments.every((i) => i.exchange === 'NFO')).toBe(true);
  });

  it('subscribes, unsubscribes and switches modes on an open ticker', async () => {
    const { instruments } = await adapter.getInstruments();
    const token = (symbol: string) => instruments.find((i) => i.tradingsymbol === symbol)!.instrumentToken;
    const [sbin, option] = [token('SBIN'), token(NIFTY_CE)];
    const ticks: TickRecord[] = [];
    const waiters: Array<() => void> = [];
    const session = await adapter.generateSession('AB1234');
    stream = new KiteOrderStream({
      url: sim.env.KITE_WS_URL,
      apiKey: 'kite-demo',
      accessToken: session.accessToken,
      onOrder: () => undefined,
      onTicks: (batch) => {
        ticks.push(...batch);
        waiters.splice(0).forEach((w) => w());
      },
    });
    await stream.start();
    const tickOf = async (instrumentToken: number, price: number) => {
      while (!ticks.some((t) => t.instrumentToken === instrumentToken && t.lastPrice === price))
        await new Promise<void>((resolve) => waiters.push(resolve));
    };

    stream.subscribe([sbin, option]);
    expect(stream.subscribed.sort()).toEqual([sbin, option].sort());
    await sim.admin('/_sim/price', { tradingsymbol: NIFTY_CE, exchange: 'NFO', price: 131.35 });
    await tickOf(option, 131.35);
    stream.setMode('full', [option]);
    await sim.admin('/_sim/price', { tradingsymbol: NIFTY_CE, exchange: 'NFO', price: 131.4 });
    await tickOf(option, 131.4);
    // A full packet carries the exchange time; LTP packets do not.
    expect(ticks.find((t) => t.lastPrice === 131.4)?.exchangeTimestamp).not.toBeNull();

    stream.unsubscribe([option]);
    expect(stream.subscribed).toEqual([sbin]);
    const seen = ticks.length;
    // The same socket, in order: had the option still been subscribed its tick would come first.
    await sim.admin('/_sim/price', { tradingsymbol: NIFTY_CE, exchange: 'NFO', price: 140 });
    await sim.admin('/_sim/price', { tradingsymbol: 'SBIN', exchange: 'NSE', price: 815.5 });
    await tickOf(sbin, 815.5);
    expect(ticks.slice(seen).map((t) => t.instrumentToken)).toEqual([sbin]);
  });
});
