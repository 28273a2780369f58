import { ConfigError, loadConfig } from '@fillwire/config';
import { PortfolioManagerConfigSchema } from './portfolio-manager-config.schema';

const load = (env: Record<string, string>) =>
  loadConfig('portfolio-manager', PortfolioManagerConfigSchema, env);

describe('PortfolioManagerConfigSchema', () => {
  it('defaults to port 3004 and reconciliation every 60 s', () => {
    expect(load({})).toMatchObject({
      PORT: 3004,
      RECONCILE_INTERVAL: 60_000,
      REDIS_URL: 'redis://127.0.0.1:6390',
    });
    expect(load({ PORT: '4004', RECONCILE_INTERVAL: '5m' })).toMatchObject({
      PORT: 4004,
      RECONCILE_INTERVAL: 300_000,
    });
  });

  it('lists every problem at once', () => {
    let error: unknown;
    try {
      load({
        PORT: 'abc',
        REDIS_URL: 'http://x',
        RECONCILE_INTERVAL: '10ms',
        LOG_LEVEL: 'loud',
        FILLWIRE_DEMO: '0',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'KITE_API_KEY',
      'KITE_API_SECRET',
      'LOG_LEVEL',
      'PORT',
      'RECONCILE_INTERVAL',
      'REDIS_URL',
      'XTS_APP_KEY',
      'XTS_BASE_URL',
      'XTS_SECRET_KEY',
    ]);
  });

  it('reads square-off overrides and holidays, and refuses malformed ones', () => {
    expect(
      load({ SQUARE_OFF_TIMES: 'zerodha:NSE=15:20', SQUARE_OFF_HOLIDAYS: '2026-01-26, 2026-03-03' }),
    ).toMatchObject({
      SQUARE_OFF_TIMES: 'zerodha:NSE=15:20',
      SQUARE_OFF_HOLIDAYS: ['2026-01-26', '2026-03-03'],
      KITE_ROOT_URL: 'http://127.0.0.1:3100',
    });
    expect(() => load({ SQUARE_OFF_TIMES: 'NSE=25:00' })).toThrow(/SQUARE_OFF_TIMES/);
    expect(() => load({ SQUARE_OFF_HOLIDAYS: '26-01-2026' })).toThrow(/SQUARE_OFF_HOLIDAYS/);
  });

  it('price feed lease 3 s and refresh 2 s by default; refuses a lease too short to renew', () => {
    expect(load({})).toMatchObject({ PRICE_FEED_LEASE_TTL: 3_000, PRICE_FEED_REFRESH_INTERVAL: 2_000 });
    expect(load({ PRICE_FEED_LEASE_TTL: '10s', PRICE_FEED_REFRESH_INTERVAL: '500ms' })).toMatchObject({
      PRICE_FEED_LEASE_TTL: 10_000,
      PRICE_FEED_REFRESH_INTERVAL: 500,
    });
    expect(() => load({ PRICE_FEED_LEASE_TTL: '100ms' })).toThrow(/PRICE_FEED_LEASE_TTL/);
  });
});
