import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';

/** An account the load places orders on, with the API key of the user it belongs to. */
export interface LoadAccount {
  accountId: string;
  apiKey: string;
}

export interface LoadOptions {
  /** order-api base URL(s); a request goes to the next one after a connection error. */
  urls: () => string[];
  accounts: readonly LoadAccount[];
  /** Orders per second over all accounts (kept under order-api's 10/s per account). */
  ratePerSecond: number;
  symbols: readonly string[];
  /** Distinguishes the idempotency keys of one run from another's. */
  runId: string;
}

export interface LoadStats {
  /** Orders the load meant to place (one idempotency key each). */
  intended: number;
  /** Answered 201 (the broker accepted). */
  placed: number;
  /** Answered 4xx other than 429: final refusals (not retried). */
  refused: number;
  /** Retries with the same key after a 5xx, 429 or connection error. */
  retries: number;
  /** Answers with `recovered: true`: an earlier attempt reached the broker, found by its tag. */
  recovered: number;
  /** Keys still being retried when the load stopped (should be 0 after drain). */
  unfinished: number;
}

const PlacedSchema = z.object({ orderId: z.string(), recovered: z.boolean().optional() });

/**
 * A steady stream of MARKET orders through order-api (`POST /v1/orders` with an Idempotency-Key):
 * BUY and SELL of a few symbols, 1-20 shares (the simulator splits larger fills into partial
 * fills). Every failure that is not a final answer (5xx, 429, connection refused while order-api
 * restarts) is retried with the same key and body, which the API promises is safe.
 */
export class OrderLoad {
  /** Idempotency key → broker order id of every placed order. */
  readonly placedOrders = new Map<string, string>();
  private readonly stats: LoadStats = {
    intended: 0,
    placed: 0,
    refused: 0,
    retries: 0,
    recovered: 0,
    unfinished: 0,
  };
  private readonly inFlight = new Set<Promise<void>>();
  private running = false;
  /** Set when stop() gives up waiting: retry loops end instead of outliving the run. */
  private abandoned = false;
  private loop: Promise<void> | undefined;

  constructor(private readonly options: LoadOptions) {}

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  /** Stops placing new orders and waits for the ones in flight (bounded by `timeoutMs`). */
  async stop(timeoutMs: number): Promise<LoadStats> {
    this.running = false;
    await this.loop;
    const late = new AbortController();
    const deadline = sleep(timeoutMs, undefined, { signal: late.signal }).catch(() => undefined);
    await Promise.race([Promise.allSettled([...this.inFlight]), deadline]);
    late.abort();
    this.stats.unfinished = this.inFlight.size;
    this.abandoned = true;
    return { ...this.stats };
  }

  private async run(): Promise<void> {
    const interval = 1000 / this.options.ratePerSecond;
    let next = Date.now();
    let n = 0;
    while (this.running) {
      const body = orderBody(n, this.options.accounts, this.options.symbols);
      const account = this.options.accounts[n % this.options.accounts.length];
      const key = `chaos-${this.options.runId}-${n}`;
      n += 1;
      this.stats.intended += 1;
      const request = this.place(account.apiKey, key, body).finally(() => this.inFlight.delete(request));
      this.inFlight.add(request);
      next += interval;
      await sleep(Math.max(0, next - Date.now()));
    }
  }

  private async place(apiKey: string, key: string, body: object): Promise<void> {
    for (let attempt = 0; !this.abandoned; attempt++) {
      if (attempt > 0) this.stats.retries += 1;
      const urls = this.options.urls();
      const url = urls[attempt % urls.length];
      let res: Response;
      try {
        res = await fetch(`${url}/v1/orders`, {
          method: 'POST',
          headers: {
            Authorization: `Bearer ${apiKey}`,
            'Content-Type': 'application/json',
            'Idempotency-Key': key,
          },
          body: JSON.stringify(body),
          // A retry may wait out the lock a killed owner left on the key (order-api bounds it).
          signal: AbortSignal.timeout(30_000),
        });
      } catch {
        await sleep(200);
        continue;
      }
      const text = await res.text();
      if (res.status === 201 || res.status === 200) {
        const placed = PlacedSchema.parse(JSON.parse(text));
        this.placedOrders.set(key, placed.orderId);
        this.stats.placed += 1;
        if (placed.recovered) this.stats.recovered += 1;
        return;
      }
      if (res.status === 429) {
        await sleep(Number(res.headers.get('retry-after') ?? '1') * 1000);
        continue;
      }
      if (res.status >= 500) {
        await sleep(200);
        continue;
      }
      this.stats.refused += 1;
      return;
    }
  }
}

/**
 * The n-th order of the load, a fixed function of n (no randomness, so two runs place the same
 * orders): accounts in turn, symbols and sides rotating at other periods, 1-20 shares.
 */
export function orderBody(n: number, accounts: readonly LoadAccount[], symbols: readonly string[]) {
  const round = Math.floor(n / accounts.length);
  return {
    accountId: accounts[n % accounts.length].accountId,
    symbol: symbols[round % symbols.length],
    exchange: 'NSE',
    side: Math.floor(round / symbols.length) % 2 === 0 ? 'BUY' : 'SELL',
    quantity: 1 + ((n * 7919) % 20),
    orderType: 'MARKET',
    product: 'MIS',
  } as const;
}
