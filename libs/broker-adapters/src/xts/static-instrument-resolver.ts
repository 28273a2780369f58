import type { Exchange } from '@fillwire/events';
import type { InstrumentResolver } from '../adapter.types';

export interface InstrumentEntry {
  exchange: Exchange;
  symbol: string;
  xtsInstrumentId: number;
}

/** An in-memory instrument list (from config or the broker's master file) in both directions. */
export class StaticInstrumentResolver implements InstrumentResolver {
  private readonly bySymbol = new Map<string, number>();
  private readonly byId = new Map<string, string>();

  constructor(entries: readonly InstrumentEntry[]) {
    for (const e of entries) {
      this.bySymbol.set(`${e.exchange}:${e.symbol.toUpperCase()}`, e.xtsInstrumentId);
      this.byId.set(`${e.exchange}:${e.xtsInstrumentId}`, e.symbol);
    }
  }

  toXtsInstrumentId(exchange: Exchange, symbol: string): number | undefined {
    return this.bySymbol.get(`${exchange}:${symbol.toUpperCase()}`);
  }

  fromXtsInstrumentId(exchange: Exchange, instrumentId: number): string | undefined {
    return this.byId.get(`${exchange}:${instrumentId}`);
  }
}
