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
});
