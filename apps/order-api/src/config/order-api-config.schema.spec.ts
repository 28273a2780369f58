import { ConfigError, loadConfig } from '@fillwire/config';
import { OrderApiConfigSchema } from './order-api-config.schema';

const load = (env: Record<string, string>) => loadConfig('order-api', OrderApiConfigSchema, env);

function problems(env: Record<string, string>): string[] {
  try {
    load(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

/** A complete live-mode environment (real brokers, every secret given). */
const LIVE = {
  FILLWIRE_DEMO: '0',
  KITE_API_KEY: 'a',
  KITE_API_SECRET: 'b',
  XTS_APP_KEY: 'c',
  XTS_SECRET_KEY: 'd',
  XTS_BASE_URL: 'https://xts.example.com',
};

describe('OrderApiConfigSchema', () => {
  it('defaults to port 3000, demo mode against the simulators, event-driven orders for everyone', () => {
    expect(load({})).toEqual({
      REDIS_URL: 'redis://127.0.0.1:6390',
      FILLWIRE_PREFIX: 'fillwire',
      FILLWIRE_DEMO: true,
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      PORT: 3000,
      KITE_API_KEY: 'kite-demo',
      KITE_API_SECRET: 'demo-secret',
      KITE_ROOT_URL: 'http://127.0.0.1:3100',
      KITE_WS_URL: 'ws://127.0.0.1:3100',
      KITE_LOGIN_URL: 'http://127.0.0.1:3100/connect/login',
      XTS_BASE_URL: 'http://127.0.0.1:3101',
      XTS_APP_KEY: 'xts-demo',
      XTS_SECRET_KEY: 'demo-secret',
      XTS_SOURCE: 'WEBAPI',
      USE_EVENT_DRIVEN_ORDERS: true,
      EVENT_DRIVEN_ROLLOUT_PERCENT: 100,
      ORDER_RATE_LIMIT_PER_SECOND: 10,
      ORDER_BROKER_TIMEOUT: 7000,
      IDEMPOTENCY_TTL: 86_400_000,
      SESSION_TOKEN_TTL: 43_200_000,
      XTS_INSTRUMENTS: [],
      FILLWIRE_DEMO_TRAFFIC: false,
      FILLWIRE_DEMO_TRAFFIC_INTERVAL_MS: 1500,
    });
  });

  it('takes demo traffic only in demo mode, at a bounded pace', () => {
    expect(load({ FILLWIRE_DEMO_TRAFFIC: '1', FILLWIRE_DEMO_TRAFFIC_INTERVAL_MS: '200' })).toMatchObject({
      FILLWIRE_DEMO_TRAFFIC: true,
      FILLWIRE_DEMO_TRAFFIC_INTERVAL_MS: 200,
    });
    expect(problems({ ...LIVE, FILLWIRE_DEMO_TRAFFIC: '1' })).toEqual([
      'FILLWIRE_DEMO_TRAFFIC: demo traffic places orders and runs only in demo mode (FILLWIRE_DEMO=1, the simulators)',
    ]);
    expect(load({ ...LIVE, FILLWIRE_DEMO_TRAFFIC: '0' })).toMatchObject({ FILLWIRE_DEMO_TRAFFIC: false });
    expect(
      problems({ FILLWIRE_DEMO_TRAFFIC: 'maybe', FILLWIRE_DEMO_TRAFFIC_INTERVAL_MS: '10' }).map(
        (p) => p.split(':')[0],
      ),
    ).toEqual(['FILLWIRE_DEMO_TRAFFIC', 'FILLWIRE_DEMO_TRAFFIC_INTERVAL_MS']);
  });

  it('takes overrides', () => {
    expect(
      load({
        PORT: '8080',
        USE_EVENT_DRIVEN_ORDERS: 'false',
        EVENT_DRIVEN_ROLLOUT_PERCENT: '25',
        FILLWIRE_DEMO_API_KEY: 'k'.repeat(32),
      }),
    ).toMatchObject({
      PORT: 8080,
      USE_EVENT_DRIVEN_ORDERS: false,
      EVENT_DRIVEN_ROLLOUT_PERCENT: 25,
      FILLWIRE_DEMO_API_KEY: 'k'.repeat(32),
    });
  });

  it('outside demo mode talks to the real brokers and requires every secret', () => {
    const live = problems({ FILLWIRE_DEMO: '0', XTS_BASE_URL: 'https://xts.example.com' });
    expect(live.map((p) => p.split(':')[0]).sort()).toEqual([
      'KITE_API_KEY',
      'KITE_API_SECRET',
      'XTS_APP_KEY',
      'XTS_SECRET_KEY',
    ]);
    expect(load(LIVE)).toMatchObject({
      KITE_ROOT_URL: 'https://api.kite.trade',
      KITE_WS_URL: 'wss://ws.kite.trade',
      KITE_LOGIN_URL: 'https://kite.zerodha.com/connect/login',
    });
  });

  it('sends the Kite login to the simulator next to KITE_ROOT_URL in demo mode, or where told', () => {
    expect(load({ KITE_ROOT_URL: 'http://127.0.0.1:4100/' })).toMatchObject({
      KITE_LOGIN_URL: 'http://127.0.0.1:4100/connect/login',
    });
    expect(load({ ...LIVE, KITE_LOGIN_URL: 'http://sim.test/connect/login' })).toMatchObject({
      KITE_LOGIN_URL: 'http://sim.test/connect/login',
    });
    expect(problems({ KITE_LOGIN_URL: 'ftp://x' })).toEqual(['KITE_LOGIN_URL: expected an http(s) URL']);
  });

  it('lists every problem at once', () => {
    const found = problems({
      PORT: 'abc',
      REDIS_URL: 'http://x',
      EVENT_DRIVEN_ROLLOUT_PERCENT: '101',
      FILLWIRE_DEMO_API_KEY: 'short',
    });
    expect(found.map((p) => p.split(':')[0]).sort()).toEqual([
      'EVENT_DRIVEN_ROLLOUT_PERCENT',
      'FILLWIRE_DEMO_API_KEY',
      'PORT',
      'REDIS_URL',
    ]);
  });
});
