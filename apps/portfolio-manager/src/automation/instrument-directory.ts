import type { KiteInstrument } from '@fillwire/broker-adapters';

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
/** XTS TradingSymbol of a derivative: `NIFTY 01DEC2026 CE 26000`, `BANKNIFTY 29DEC2026 FUT`. */
const XTS_DERIVATIVE = /^(\S+) (\d{2})([A-Z]{3})(\d{4}) (?:(CE|PE) (\d+(?:\.\d+)?)|(FUT))$/;

/**
 * Kite's instrument master, looked up by the (exchange, symbol) positions carry. Kite positions use
 * Kite's tradingsymbol; Jainam positions carry XTS's TradingSymbol (options are named differently,
 * `NIFTY 01DEC2026 CE 26000`) or, without one, the XTS instrument id, which is the exchange token.
 */
export class InstrumentDirectory {
  private readonly bySymbol = new Map<string, KiteInstrument>();
  private readonly byContract = new Map<string, KiteInstrument>();
  private readonly byExchangeToken = new Map<string, KiteInstrument>();

  constructor(instruments: readonly KiteInstrument[]) {
    for (const i of instruments) {
      this.bySymbol.set(`${i.exchange}|${i.tradingsymbol}`, i);
      this.byExchangeToken.set(`${i.exchange}|${i.exchangeToken}`, i);
      if (i.expiry && i.instrumentType !== 'EQ')
        this.byContract.set(contractKey(i.exchange, i.name, i.expiry, i.instrumentType, i.strike), i);
    }
  }

  get size(): number {
    return this.bySymbol.size;
  }

  resolve(exchange: string, symbol: string): KiteInstrument | undefined {
    const direct = this.bySymbol.get(`${exchange}|${symbol.toUpperCase()}`);
    if (direct) return direct;
    if (/^\d+$/.test(symbol)) return this.byExchangeToken.get(`${exchange}|${Number(symbol)}`);
    const m = XTS_DERIVATIVE.exec(symbol.trim().toUpperCase());
    const month = m ? MONTHS.indexOf(m[3]) + 1 : 0;
    if (!m || month === 0) return undefined;
    const expiry = `${m[4]}-${String(month).padStart(2, '0')}-${m[2]}`;
    return this.byContract.get(contractKey(exchange, m[1], expiry, m[7] ?? m[5], Number(m[6] ?? 0)));
  }
}

const contractKey = (exchange: string, name: string, expiry: string, type: string, strike: number) =>
  `${exchange}|${name}|${expiry}|${type}|${strike}`;
