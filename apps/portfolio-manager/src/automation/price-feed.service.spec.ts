import { normalizeKiteInstruments, type ConnectionState, type TickRecord } from '@fillwire/broker-adapters';
import type { PriceFeedLeaseListener } from './price-feed-lease';
import {
  PriceFeedService,
  type InstrumentRef,
  type PriceFeedDeps,
  type PriceTicker,
} from './price-feed.service';

const SBIN = 779521;
const NIFTY_CE = 10266370;
const INFY = 408065;

// As Kite's (and the simulator's) instrument master serves them.
const { instruments: master } = normalizeKiteInstruments(
  [
    'instrument_token,exchange_token,tradingsymbol,name,last_price,expiry,strike,tick_size,lot_size,instrument_type,segment,exchange',
    `${SBIN},3045,SBIN,"SBIN",812.45,,0,0.05,1,EQ,NSE,NSE`,
    `${INFY},1594,INFY,"INFY",1524.3,,0,0.05,1,EQ,NSE,NSE`,
    `${NIFTY_CE},40103,NIFTY26D0126000CE,"NIFTY",118.5,2026-12-01,26000,0.05,65,CE,NFO-OPT,NFO`,
  ].join('\n'),
);

class FakeTicker implements PriceTicker {
  readonly calls: string[] = [];
  state: ConnectionState = 'connected';
  closed = false;
  constructor(readonly onTicks: (ticks: TickRecord[]) => void) {}
  subscribe(tokens: number[]): void {
    this.calls.push(`+${[...tokens].sort().join(',')}`);
  }
  unsubscribe(tokens: number[]): void {
    this.calls.push(`-${[...tokens].sort().join(',')}`);
  }
  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
  tick(instrumentToken: number, lastPrice: number): void {
    this.onTicks([{ instrumentToken, lastPrice, exchangeTimestamp: null }]);
  }
}

/** The feed with plain fakes: a lease we flip, a broker handing out fake tickers, a wanted list we edit. */
function setup() {
  const lease = {
    held: false,
    listener: null as PriceFeedLeaseListener | null,
    start(listener: PriceFeedLeaseListener) {
      this.listener = listener;
    },
    stop: () => Promise.resolve(),
  };
  const tickers: FakeTicker[] = [];
  const opened: boolean[] = [];
  let masterLoads = 0;
  let day = '2026-01-05';
  let wanted: InstrumentRef[] = [];
  const prices: string[] = [];
  const gauges = { owner: 0, instruments: 0, unresolved: 0 };
  const gauge = (name: keyof typeof gauges) => ({ set: (v: number) => void (gauges[name] = v) });
  const deps: PriceFeedDeps = {
    lease,
    broker: {
      instruments: () => {
        masterLoads += 1;
        return Promise.resolve(master);
      },
      openTicker: (onTicks, renew) => {
        opened.push(renew);
        const ticker = new FakeTicker(onTicks);
        tickers.push(ticker);
        return Promise.resolve(ticker);
      },
    },
    wanted: () => Promise.resolve(wanted),
    onPrice: (exchange, symbol, price) => void prices.push(`${exchange}:${symbol}=${price}`),
    day: () => day,
    gauges: { owner: gauge('owner'), instruments: gauge('instruments'), unresolved: gauge('unresolved') },
    refreshMs: 60_000,
  };
  const feed = new PriceFeedService(deps);
  feed.start();
  return {
    feed,
    lease,
    tickers,
    opened,
    prices,
    gauges,
    masterLoads: () => masterLoads,
    want: (refs: InstrumentRef[]) => void (wanted = refs),
    nextDay: () => void (day = '2026-01-06'),
  };
}

describe('PriceFeedService', () => {
  let f: ReturnType<typeof setup>;
  beforeEach(() => {
    f = setup();
  });
  afterEach(() => f.feed.stop());

  it('opens no ticker and applies nothing without the lease', async () => {
    f.want([{ exchange: 'NSE', symbol: 'SBIN' }]);
    await f.feed.refresh();
    expect(f.tickers).toHaveLength(0);
    expect(f.gauges.owner).toBe(0);
  });

  it('as holder: subscribes the open positions’ tokens (an NFO option, a Jainam XTS name) and applies their ticks', async () => {
    f.want([
      { exchange: 'NSE', symbol: 'SBIN' },
      { exchange: 'NFO', symbol: 'NIFTY26D0126000CE' },
      // The same contract as a Jainam position names it: one token, both keys get the price.
      { exchange: 'NFO', symbol: 'NIFTY 01DEC2026 CE 26000' },
      { exchange: 'NSE', symbol: 'SBIN' },
      { exchange: 'NSE', symbol: 'NOSUCH' },
    ]);
    f.lease.held = true;
    f.lease.listener?.onAcquired();
    await f.feed.refresh();
    const [ticker] = f.tickers;
    expect(f.tickers).toHaveLength(1);
    expect(ticker.calls).toEqual([`+${[SBIN, NIFTY_CE].sort().join(',')}`]);
    expect(f.gauges).toEqual({ owner: 1, instruments: 2, unresolved: 1 });

    ticker.tick(NIFTY_CE, 131.35);
    ticker.tick(SBIN, 812.5);
    ticker.tick(INFY, 1500);
    expect(f.prices).toEqual([
      'NFO:NIFTY26D0126000CE=131.35',
      'NFO:NIFTY 01DEC2026 CE 26000=131.35',
      'NSE:SBIN=812.5',
    ]);
  });

  it('follows position changes: subscribes new instruments, unsubscribes closed ones, keeps the rest', async () => {
    f.lease.held = true;
    f.want([{ exchange: 'NSE', symbol: 'SBIN' }]);
    await f.feed.refresh();
    f.want([
      { exchange: 'NSE', symbol: 'SBIN' },
      { exchange: 'NSE', symbol: 'INFY' },
    ]);
    await f.feed.refresh();
    f.want([{ exchange: 'NSE', symbol: 'INFY' }]);
    await f.feed.refresh();
    await f.feed.refresh();
    expect(f.tickers[0].calls).toEqual([`+${SBIN}`, `+${INFY}`, `-${SBIN}`]);
    expect(f.gauges.instruments).toBe(1);
    f.tickers[0].tick(SBIN, 800);
    expect(f.prices).toEqual([]);
  });

  it('losing the lease closes the ticker at once; late ticks are dropped; a new holder term opens a new ticker', async () => {
    f.lease.held = true;
    f.want([{ exchange: 'NSE', symbol: 'SBIN' }]);
    await f.feed.refresh();
    f.lease.held = false;
    f.lease.listener?.onLost('lease expired or taken over');
    f.tickers[0].tick(SBIN, 801);
    await f.feed.refresh();
    expect(f.tickers[0].closed).toBe(true);
    expect(f.prices).toEqual([]);
    expect(f.gauges).toEqual({ owner: 0, instruments: 0, unresolved: 0 });

    f.lease.held = true;
    f.lease.listener?.onAcquired();
    await f.feed.refresh();
    expect(f.tickers).toHaveLength(2);
    expect(f.tickers[1].calls).toEqual([`+${SBIN}`]);
  });

  it('reopens a ticker whose token was refused, from a renewed session', async () => {
    f.lease.held = true;
    f.want([{ exchange: 'NSE', symbol: 'SBIN' }]);
    await f.feed.refresh();
    f.tickers[0].state = 'auth-failed';
    await f.feed.refresh();
    expect(f.opened).toEqual([false, true]);
    expect(f.tickers[0].closed).toBe(true);
    expect(f.tickers[1].calls).toEqual([`+${SBIN}`]);
  });

  it('loads the instrument master once a day', async () => {
    f.lease.held = true;
    await f.feed.refresh();
    await f.feed.refresh();
    expect(f.masterLoads()).toBe(1);
    f.nextDay();
    await f.feed.refresh();
    expect(f.masterLoads()).toBe(2);
  });
});
