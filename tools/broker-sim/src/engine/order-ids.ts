import type { SimBroker } from './engine.types';
import type { Prng } from './prng';

/**
 * Id factories. Kite ids are 19-digit snowflake-like numbers (epoch ms << 20, then +1), above
 * 2^53 on purpose so a client that parses them as numbers breaks here and not in production. XTS
 * AppOrderIDs are 10-digit ints as in production.
 */
export class OrderIds {
  private lastKite = 0n;
  private nextXts: number;
  private nextExchange: number;
  private nextTrade: number;

  constructor(prng: Prng) {
    this.nextXts = 1_100_000_000 + prng.int(0, 9_999_999);
    this.nextExchange = 1_100_000_000_000_000 + prng.int(0, 99_999_999);
    this.nextTrade = 10_000_000 + prng.int(0, 9_999_999);
  }

  order(broker: SimBroker, nowMs: number): string {
    if (broker === 'xts') return String(this.nextXts++);
    const candidate = BigInt(nowMs) << 20n;
    this.lastKite = candidate > this.lastKite ? candidate : this.lastKite + 1n;
    return this.lastKite.toString();
  }

  exchangeOrder(): string {
    return String(this.nextExchange++);
  }

  trade(): string {
    return String(this.nextTrade++);
  }
}
