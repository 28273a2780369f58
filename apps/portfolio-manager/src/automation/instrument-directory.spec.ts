import type { KiteInstrument } from '@fillwire/broker-adapters';
import { InstrumentDirectory } from './instrument-directory';

const instrument = (o: Partial<KiteInstrument> & Pick<KiteInstrument, 'tradingsymbol'>): KiteInstrument => ({
  instrumentToken: 1,
  exchangeToken: 1,
  exchange: 'NSE',
  name: o.tradingsymbol,
  expiry: null,
  strike: 0,
  tickSize: 0.05,
  lotSize: 1,
  instrumentType: 'EQ',
  segment: 'NSE',
  ...o,
});

const directory = new InstrumentDirectory([
  instrument({ tradingsymbol: 'SBIN', instrumentToken: 779521, exchangeToken: 3045 }),
  instrument({
    tradingsymbol: 'NIFTY26D0126000CE',
    instrumentToken: 10266370,
    exchangeToken: 40103,
    exchange: 'NFO',
    name: 'NIFTY',
    expiry: '2026-12-01',
    strike: 26000,
    instrumentType: 'CE',
    segment: 'NFO-OPT',
    lotSize: 65,
  }),
  instrument({
    tradingsymbol: 'BANKNIFTY26DECFUT',
    instrumentToken: 10300002,
    exchangeToken: 40234,
    exchange: 'NFO',
    name: 'BANKNIFTY',
    expiry: '2026-12-29',
    instrumentType: 'FUT',
    segment: 'NFO-FUT',
  }),
]);

describe('InstrumentDirectory', () => {
  it('finds Kite tradingsymbols per exchange', () => {
    expect(directory.resolve('NSE', 'SBIN')?.instrumentToken).toBe(779521);
    expect(directory.resolve('NFO', 'NIFTY26D0126000CE')?.instrumentToken).toBe(10266370);
    expect(directory.resolve('NFO', 'SBIN')).toBeUndefined();
    expect(directory.size).toBe(3);
  });

  it('finds a Jainam position by its XTS TradingSymbol (options, futures) or its XTS instrument id', () => {
    expect(directory.resolve('NFO', 'NIFTY 01DEC2026 CE 26000')?.tradingsymbol).toBe('NIFTY26D0126000CE');
    expect(directory.resolve('NFO', 'BANKNIFTY 29DEC2026 FUT')?.tradingsymbol).toBe('BANKNIFTY26DECFUT');
    expect(directory.resolve('NFO', '40103')?.tradingsymbol).toBe('NIFTY26D0126000CE');
    expect(directory.resolve('NSE', '3045')?.tradingsymbol).toBe('SBIN');
  });

  it('resolves nothing it cannot name exactly', () => {
    expect(directory.resolve('NFO', 'NIFTY 01DEC2026 PE 26000')).toBeUndefined();
    expect(directory.resolve('NFO', 'NIFTY 01XYZ2026 CE 26000')).toBeUndefined();
    expect(directory.resolve('NSE', '99999')).toBeUndefined();
  });
});
