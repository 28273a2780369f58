import type { SimInstrument } from './engine.types';

/**
 * The simulator's instrument master. Kite tokens follow Kite's rule token = exchange_token * 256 +
 * segment (1 NSE, 2 NFO, 9 indices), and the XTS id is the exchange token, so SBIN is 3045 on XTS
 * NSECM and 3045 * 256 + 1 = 779521 on Kite, as on the real platforms.
 *
 * Options use Kite's naming: weekly `<NAME><YY><M><DD><STRIKE><CE|PE>` with M = 1-9, O, N, D
 * (NIFTY26D0126000CE = NIFTY, expiry Tue 2026-12-01, strike 26000, call) and monthly
 * `<NAME><YY><MON><STRIKE><CE|PE>` (BANKNIFTY26DEC59000PE, expiry Tue 2026-12-29; NSE lists
 * BANKNIFTY monthly contracts only since Nov 2024). XTS names are "NIFTY 01DEC2026 CE 26000".
 * Lot sizes NIFTY 65 and BANKNIFTY 30 (NSE, from the Jan 2026 expiries); option tick 0.05.
 */
const equity = (tradingsymbol: string, exchangeToken: number, basePrice: number): SimInstrument => ({
  kiteToken: exchangeToken * 256 + 1,
  xtsId: exchangeToken,
  exchange: 'NSE',
  tradingsymbol,
  xtsSymbol: tradingsymbol,
  lotSize: 1,
  // NSE: stocks below Rs 250 tick in 0.01 since mid 2024, the rest in 0.05.
  tickSize: basePrice < 250 ? 0.01 : 0.05,
  basePrice,
  kind: 'equity',
});

const index = (
  tradingsymbol: string,
  kiteToken: number,
  xtsId: number,
  basePrice: number,
): SimInstrument => ({
  kiteToken,
  xtsId,
  exchange: 'NSE',
  tradingsymbol,
  xtsSymbol: tradingsymbol,
  lotSize: 1,
  tickSize: 0.05,
  basePrice,
  kind: 'index',
});

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKLY_MONTH_CODES = ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'O', 'N', 'D'];

interface OptionSpec {
  underlying: string;
  expiry: string;
  weekly: boolean;
  lotSize: number;
  strike: number;
  optionType: 'CE' | 'PE';
  exchangeToken: number;
  basePrice: number;
}

const option = (spec: OptionSpec): SimInstrument => {
  const [yyyy, mm, dd] = spec.expiry.split('-');
  const yy = yyyy.slice(2);
  const month = Number(mm) - 1;
  const tradingsymbol = spec.weekly
    ? `${spec.underlying}${yy}${WEEKLY_MONTH_CODES[month]}${dd}${spec.strike}${spec.optionType}`
    : `${spec.underlying}${yy}${MONTHS[month]}${spec.strike}${spec.optionType}`;
  return {
    kiteToken: spec.exchangeToken * 256 + 2,
    xtsId: spec.exchangeToken,
    exchange: 'NFO',
    tradingsymbol,
    xtsSymbol: `${spec.underlying} ${dd}${MONTHS[month]}${yyyy} ${spec.optionType} ${spec.strike}`,
    lotSize: spec.lotSize,
    tickSize: 0.05,
    basePrice: spec.basePrice,
    kind: 'index-option',
    underlying: spec.underlying,
    strike: spec.strike,
    optionType: spec.optionType,
    expiry: spec.expiry,
  };
};

interface ChainSpec {
  underlying: string;
  expiry: string;
  weekly: boolean;
  lotSize: number;
  spot: number;
  step: number;
  firstToken: number;
  atmPremium: number;
}

/** Three strikes around the money, CE and PE, with premiums that lean the right way. */
const chain = (c: ChainSpec): SimInstrument[] => {
  const out: SimInstrument[] = [];
  let token = c.firstToken;
  for (const offset of [-1, 0, 1]) {
    const strike = c.spot + offset * c.step;
    for (const optionType of ['CE', 'PE'] as const) {
      const moneyness = optionType === 'CE' ? -offset : offset;
      const basePrice = Math.round((c.atmPremium + moneyness * c.step * 0.55) * 20) / 20;
      out.push(option({ ...c, strike, optionType, exchangeToken: token++, basePrice }));
    }
  }
  return out;
};

export function defaultInstruments(): SimInstrument[] {
  return [
    equity('SBIN', 3045, 812.45),
    equity('RELIANCE', 2885, 1418.6),
    equity('INFY', 1594, 1524.3),
    equity('TCS', 11536, 3125.5),
    equity('HDFCBANK', 1333, 987.35),
    equity('ITC', 1660, 412.8),
    equity('TATASTEEL', 3499, 158.42),
    index('NIFTY 50', 256265, 26000, 26012.35),
    index('NIFTY BANK', 260105, 26001, 59034.8),
    ...chain({
      underlying: 'NIFTY',
      expiry: '2026-12-01',
      weekly: true,
      lotSize: 65,
      spot: 26000,
      step: 100,
      firstToken: 40101,
      atmPremium: 118.5,
    }),
    ...chain({
      underlying: 'BANKNIFTY',
      expiry: '2026-12-29',
      weekly: false,
      lotSize: 30,
      spot: 59000,
      step: 100,
      firstToken: 40201,
      atmPremium: 702.35,
    }),
  ];
}
