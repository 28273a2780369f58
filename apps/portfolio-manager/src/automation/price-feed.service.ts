import { Logger } from '@nestjs/common';
import type { ConnectionState, KiteInstrument, TickRecord } from '@fillwire/broker-adapters';
import { InstrumentDirectory } from './instrument-directory';
import type { PriceFeedLeaseListener } from './price-feed-lease';

/** An open Kite ticker the feed subscribes on (BrokerAccountsService.openTicker). */
export interface PriceTicker {
  subscribe(tokens: number[]): void;
  unsubscribe(tokens: number[]): void;
  readonly state: ConnectionState;
  close(): Promise<void>;
}

export interface PriceFeedBroker {
  /** Kite's instrument master, or null while no Kite account is known. */
  instruments(): Promise<readonly KiteInstrument[] | null>;
  /** A ticker subscribed to nothing yet, or null while no Kite account or session is there. */
  openTicker(onTicks: (ticks: TickRecord[]) => void, renewSession: boolean): Promise<PriceTicker | null>;
}

export interface InstrumentRef {
  exchange: string;
  symbol: string;
}

interface Gauge {
  set(value: number): void;
}

export interface PriceFeedDeps {
  lease: { readonly held: boolean; start(listener: PriceFeedLeaseListener): void; stop(): Promise<void> };
  broker: PriceFeedBroker;
  /** Instruments that need prices: open positions and orders with a trailing stop. */
  wanted(): Promise<InstrumentRef[]>;
  /** Applies one last price (unrealized P&L, trailing stops); failures are its own to report. */
  onPrice(exchange: string, symbol: string, price: number): void;
  /** The day the cached master belongs to; a new day fetches it again. */
  day(): string;
  gauges: { owner: Gauge; instruments: Gauge; unresolved: Gauge };
  refreshMs: number;
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));
/** After a failed master download, wait this long before the next (Kite asks for one a day). */
const MASTER_RETRY_MS = 60_000;

/**
 * The deployment's one last-price feed. Every replica runs this, but only the lease holder opens a
 * Kite ticker (Kite allows 3 connections per API key) and applies ticks. Every `refreshMs` the
 * holder resolves the instruments that need prices through Kite's instrument master (fetched once a
 * day) and moves the ticker's subscription to exactly those tokens. Losing the lease closes the
 * ticker at once; ticks still in flight are dropped by the `held` check.
 */
export class PriceFeedService {
  private readonly logger = new Logger(PriceFeedService.name);
  private ticker: PriceTicker | null = null;
  private renewSession = false;
  private master: { day: string; directory: InstrumentDirectory } | null = null;
  private masterRetryAt = 0;
  private subscribed = new Map<number, InstrumentRef[]>();
  private unresolved = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  /** Passes run one after another: two at once could open two tickers. */
  private passes: Promise<void> = Promise.resolve();
  private pending = false;
  private stopped = false;

  constructor(private readonly deps: PriceFeedDeps) {}

  start(): void {
    this.deps.gauges.owner.set(0);
    this.deps.lease.start({
      onAcquired: () => {
        this.logger.log('price feed lease taken: this replica runs the Kite last-price feed');
        this.deps.gauges.owner.set(1);
        this.refreshSoon();
      },
      onLost: (reason) => {
        this.logger.warn({ reason }, 'price feed lease lost: closing the ticker');
        this.deps.gauges.owner.set(0);
        void this.drop();
      },
    });
    this.timer = setInterval(() => this.refreshSoon(), this.deps.refreshMs);
    this.timer.unref();
  }

  /** Closes the ticker and gives the lease up, so another replica takes over without waiting for the TTL. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await Promise.race([this.passes, new Promise((resolve) => setTimeout(resolve, 1_500).unref())]);
    await this.drop();
    await this.deps.lease.stop();
    this.deps.gauges.owner.set(0);
  }

  /** A pass from the timer or the lease; skipped while one is already waiting to run. */
  private refreshSoon(): void {
    if (this.pending || this.stopped) return;
    this.pending = true;
    this.refresh()
      .catch((err: unknown) => this.logger.warn({ error: errorText(err) }, 'price feed refresh failed'))
      .finally(() => {
        this.pending = false;
      });
  }

  /** One pass, after any pass in progress: open the ticker if we hold the lease, subscribe exactly what is wanted. */
  refresh(): Promise<void> {
    const pass = this.passes.then(() => this.pass());
    this.passes = pass.catch(() => undefined);
    return pass;
  }

  private async pass(): Promise<void> {
    if (!this.deps.lease.held) return this.drop();
    const directory = await this.directory();
    if (!directory) return;
    if (this.ticker?.state === 'auth-failed') {
      // The session's token was refused: the next ticker starts from a renewed one.
      this.renewSession = true;
      await this.drop();
    }
    if (!this.ticker) {
      this.ticker = await this.deps.broker.openTicker((ticks) => this.onTicks(ticks), this.renewSession);
      if (!this.ticker) return;
      this.renewSession = false;
      this.subscribed = new Map();
      this.logger.log('Kite ticker open for last prices');
    }
    const ticker = this.ticker;
    const wanted = await this.deps.wanted();
    if (!this.deps.lease.held) return this.drop();
    const next = new Map<number, InstrumentRef[]>();
    const unresolved = new Set<string>();
    for (const ref of wanted) {
      const instrument = directory.resolve(ref.exchange, ref.symbol);
      if (!instrument) {
        unresolved.add(`${ref.exchange}:${ref.symbol}`);
        continue;
      }
      const refs = next.get(instrument.instrumentToken) ?? [];
      if (!refs.some((r) => r.exchange === ref.exchange && r.symbol === ref.symbol)) refs.push(ref);
      next.set(instrument.instrumentToken, refs);
    }
    const added = [...next.keys()].filter((t) => !this.subscribed.has(t));
    const removed = [...this.subscribed.keys()].filter((t) => !next.has(t));
    if (added.length > 0) ticker.subscribe(added);
    if (removed.length > 0) ticker.unsubscribe(removed);
    this.subscribed = next;
    const newlyUnresolved = [...unresolved].filter((u) => !this.unresolved.has(u));
    this.unresolved = unresolved;
    this.deps.gauges.instruments.set(next.size);
    this.deps.gauges.unresolved.set(unresolved.size);
    if (added.length > 0 || removed.length > 0)
      this.logger.log({ added, removed, instruments: next.size }, 'last-price subscription changed');
    if (newlyUnresolved.length > 0)
      this.logger.warn({ instruments: newlyUnresolved }, 'not in the Kite instrument master: no last price');
  }

  private onTicks(ticks: TickRecord[]): void {
    if (!this.deps.lease.held) return;
    for (const tick of ticks)
      for (const ref of this.subscribed.get(tick.instrumentToken) ?? [])
        this.deps.onPrice(ref.exchange, ref.symbol, tick.lastPrice);
  }

  /** The master of the day; yesterday's while today's cannot be had. Null before any Kite account. */
  private async directory(): Promise<InstrumentDirectory | null> {
    const day = this.deps.day();
    if (this.master?.day === day || Date.now() < this.masterRetryAt) return this.master?.directory ?? null;
    try {
      const instruments = await this.deps.broker.instruments();
      if (!instruments) return this.master?.directory ?? null;
      this.master = { day, directory: new InstrumentDirectory(instruments) };
      this.logger.log({ day, instruments: this.master.directory.size }, 'Kite instrument master loaded');
    } catch (err) {
      this.masterRetryAt = Date.now() + MASTER_RETRY_MS;
      this.logger.warn({ error: errorText(err) }, 'Kite instrument master not loaded; retrying later');
    }
    return this.master?.directory ?? null;
  }

  private async drop(): Promise<void> {
    const ticker = this.ticker;
    this.ticker = null;
    this.subscribed = new Map();
    this.deps.gauges.instruments.set(0);
    this.deps.gauges.unresolved.set(0);
    await ticker?.close().catch(() => undefined);
  }
}
