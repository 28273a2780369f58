import { normalizeKiteInstruments } from './kite-instruments';

// Rows as Kite's docs show them (market-quotes page), plus the quoting the real dump uses for names.
const CSV = [
  'instrument_token,exchange_token,tradingsymbol,name,last_price,expiry,strike,tick_size,lot_size,instrument_type,segment,exchange',
  '408065,1594,INFY,"INFOSYS",0,,,0.05,1,EQ,NSE,NSE',
  '10265858,40101,NIFTY26D0125900CE,"NIFTY",118.5,2026-12-01,25900,0.05,65,CE,NFO-OPT,NFO',
  '123,45,ODDCO,"ODD, ""QUOTED"" CO",0,,0,0.05,1,EQ,NSE,NSE',
  '256265,1001,NIFTY 50,"NIFTY 50",0,,0,0,0,EQ,INDICES,NSE',
  '5720322,22345,SOMEFUND,,0,,,0.01,1,EQ,MF,MF',
  'not-a-number,1,BROKEN,,0,,,0.05,1,EQ,NSE,NSE',
  '',
].join('\r\n');

describe('normalizeKiteInstruments', () => {
  it('reads the CSV dump: tokens, quoted names, option fields; skips unusable rows and foreign exchanges', () => {
    const { instruments, skipped } = normalizeKiteInstruments(CSV);
    expect(skipped).toBe(2);
    expect(instruments.map((i) => i.tradingsymbol)).toEqual([
      'INFY',
      'NIFTY26D0125900CE',
      'ODDCO',
      'NIFTY 50',
    ]);
    expect(instruments[0]).toEqual({
      instrumentToken: 408065,
      exchangeToken: 1594,
      exchange: 'NSE',
      tradingsymbol: 'INFY',
      name: 'INFOSYS',
      expiry: null,
      strike: 0,
      tickSize: 0.05,
      lotSize: 1,
      instrumentType: 'EQ',
      segment: 'NSE',
    });
    expect(instruments[1]).toMatchObject({
      instrumentToken: 10265858,
      exchange: 'NFO',
      name: 'NIFTY',
      expiry: '2026-12-01',
      strike: 25900,
      lotSize: 65,
      instrumentType: 'CE',
      segment: 'NFO-OPT',
    });
    expect(instruments[2].name).toBe('ODD, "QUOTED" CO');
  });

  it('takes rows kiteconnect parsed itself (expiry as a Date) and nothing from other shapes', () => {
    const { instruments } = normalizeKiteInstruments([
      {
        instrument_token: '10291458',
        exchange_token: '40201',
        tradingsymbol: 'BANKNIFTY26DEC58900CE',
        name: 'BANKNIFTY',
        last_price: 702.35,
        expiry: new Date('2026-12-29'),
        strike: 58900,
        tick_size: 0.05,
        lot_size: 30,
        instrument_type: 'CE',
        segment: 'NFO-OPT',
        exchange: 'NFO',
      },
    ]);
    expect(instruments).toHaveLength(1);
    expect(instruments[0]).toMatchObject({ instrumentToken: 10291458, expiry: '2026-12-29', lotSize: 30 });
    expect(normalizeKiteInstruments({ status: 'error' })).toEqual({ instruments: [], skipped: 0 });
  });
});
