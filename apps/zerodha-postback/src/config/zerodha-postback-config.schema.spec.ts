import { ConfigError, loadConfig } from '@fillwire/config';
import { ZerodhaPostbackConfigSchema } from './zerodha-postback-config.schema';

const load = (env: Record<string, string>) =>
  loadConfig('zerodha-postback', ZerodhaPostbackConfigSchema, env);

describe('ZerodhaPostbackConfigSchema', () => {
  it('defaults to port 3002 and the Kite simulator in demo mode', () => {
    expect(load({})).toMatchObject({
      PORT: 3002,
      KITE_API_KEY: 'kite-demo',
      KITE_API_SECRET: 'demo-secret',
      KITE_ROOT_URL: 'http://127.0.0.1:3100',
      KITE_WS_URL: 'ws://127.0.0.1:3100',
      ZERODHA_POSTBACK_URL: 'http://127.0.0.1:3002/zerodha/postback',
      USE_EVENT_DRIVEN_ORDERS: true,
      EVENT_DRIVEN_ROLLOUT_PERCENT: 100,
      RECONCILE_INTERVAL: 60_000,
    });
  });

  it('requires the Kite app credentials outside demo mode and lists every problem', () => {
    let error: unknown;
    try {
      load({ FILLWIRE_DEMO: 'false', KITE_WS_URL: 'http://not-a-socket', RECONCILE_INTERVAL: 'often' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'KITE_API_KEY',
      'KITE_API_SECRET',
      'KITE_WS_URL',
      'RECONCILE_INTERVAL',
    ]);
    expect(
      load({ FILLWIRE_DEMO: 'false', KITE_API_KEY: 'k', KITE_API_SECRET: 's', RECONCILE_INTERVAL: '30s' }),
    ).toMatchObject({
      KITE_ROOT_URL: 'https://api.kite.trade',
      KITE_WS_URL: 'wss://ws.kite.trade',
      RECONCILE_INTERVAL: 30_000,
    });
  });

  it('maps demo accounts to demo users, logging in with the Kite user id as request token', () => {
    expect(load({}).accounts).toEqual([
      {
        accountId: 'AB1234',
        userId: 'demo',
        apiKey: 'kite-demo',
        apiSecret: 'demo-secret',
        accessToken: null,
        requestToken: 'AB1234',
      },
      {
        accountId: 'CD5678',
        userId: 'demo2',
        apiKey: 'kite-demo',
        apiSecret: 'demo-secret',
        accessToken: null,
        requestToken: 'CD5678',
      },
    ]);
    expect(load({ FILLWIRE_DEMO: '0', KITE_API_KEY: 'k', KITE_API_SECRET: 's' })).toMatchObject({
      accounts: [],
      ZERODHA_MARKET_HOURS: 'nse',
      ZERODHA_POLL_AFTER: 5000,
      ZERODHA_POLL_INTERVAL: 1000,
      ZERODHA_PLACEMENT_CHECK: true,
      ZERODHA_PLACEMENT_CHECK_AFTER: 500,
    });
    expect(load({ ZERODHA_PLACEMENT_CHECK: 'off', ZERODHA_PLACEMENT_CHECK_AFTER: '2s' })).toMatchObject({
      ZERODHA_PLACEMENT_CHECK: false,
      ZERODHA_PLACEMENT_CHECK_AFTER: 2000,
    });
  });

  it('reads accounts from the env list and a file, the file winning, and lists bad entries', () => {
    const config = load({
      ZERODHA_ACCOUNTS: 'AB1234:alice,EF9012:carol',
      ZERODHA_ACCOUNTS_FILE: `${__dirname}/../../test/fixtures/two-apps.accounts.json`,
    });
    expect(config.accounts.map((a) => [a.accountId, a.userId, a.apiKey, a.accessToken])).toEqual([
      ['AB1234', 'alice', 'kite-demo', null],
      ['EF9012', 'carol', 'second-app', 'token-ef9012'],
    ]);
    expect(() =>
      load({ ZERODHA_ACCOUNTS: 'AB1234,CD5678:x:y', ZERODHA_ACCOUNTS_FILE: '/nonexistent.json' }),
    ).toThrow(
      /ZERODHA_ACCOUNTS: expected accountId:userId, got "AB1234"[\s\S]*"CD5678:x:y"[\s\S]*ZERODHA_ACCOUNTS_FILE: cannot read/,
    );
  });
});
