import type { InstrumentEntry } from '../xts/static-instrument-resolver';

/**
 * NSE cash instruments by exchange token (= XTS ExchangeInstrumentID, also the simulator's ids).
 * Updates for anything else keep the symbol XTS sends (TradingSymbol).
 */
export const DEFAULT_XTS_INSTRUMENTS: readonly InstrumentEntry[] = [
  { exchange: 'NSE', symbol: 'SBIN', xtsInstrumentId: 3045 },
  { exchange: 'NSE', symbol: 'RELIANCE', xtsInstrumentId: 2885 },
  { exchange: 'NSE', symbol: 'INFY', xtsInstrumentId: 1594 },
  { exchange: 'NSE', symbol: 'TCS', xtsInstrumentId: 11536 },
  { exchange: 'NSE', symbol: 'HDFCBANK', xtsInstrumentId: 1333 },
  { exchange: 'NSE', symbol: 'ITC', xtsInstrumentId: 1660 },
  { exchange: 'NSE', symbol: 'TATASTEEL', xtsInstrumentId: 3499 },
];
