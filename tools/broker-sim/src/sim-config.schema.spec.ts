import { ConfigError, loadConfig } from '@fillwire/config';
import { SimConfigSchema } from './sim-config.schema';

describe('SimConfigSchema', () => {
  it('defaults to the public demo identities and ports', () => {
    const config = loadConfig('broker-sim', SimConfigSchema, {});
    expect(config).toEqual(
      expect.objectContaining({
        KITE_API_KEY: 'kite-demo',
        KITE_API_SECRET: 'demo-secret',
        XTS_APP_KEY: 'xts-demo',
        XTS_SECRET_KEY: 'demo-secret',
        ZERODHA_POSTBACK_URL: 'http://127.0.0.1:3002/zerodha/postback',
        SIM_KITE_REDIRECT_URL: 'http://127.0.0.1:3000/v1/brokers/zerodha/callback',
        SIM_KITE_PORT: 3100,
        SIM_XTS_PORT: 3101,
        SIM_TICK_MS: 250,
        SIM_MARKET_HOURS: 'always',
        SIM_KITE_RATE_LIMIT: true,
        SIM_KITE_WS_PLACEMENT_UPDATES: false,
        SIM_PARTIAL_FILL_PROBABILITY: 0.3,
      }),
    );
  });

  it('reads the knobs and lists every bad value', () => {
    const config = loadConfig('broker-sim', SimConfigSchema, {
      SIM_KITE_RATE_LIMIT: '0',
      SIM_SEED: '9',
      SIM_MARKET_HOURS: 'nse',
    });
    expect(config).toEqual(
      expect.objectContaining({ SIM_KITE_RATE_LIMIT: false, SIM_SEED: 9, SIM_MARKET_HOURS: 'nse' }),
    );
    let error: unknown;
    try {
      loadConfig('broker-sim', SimConfigSchema, { SIM_KITE_PORT: 'x', ZERODHA_POSTBACK_URL: 'nope' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toHaveLength(2);
  });

  it('reads more Kite and XTS users, and refuses malformed ones', () => {
    const config = loadConfig('broker-sim', SimConfigSchema, {
      SIM_KITE_USERS: 'ZK0001, ZK0002',
      SIM_XTS_USERS: 'JX0001:key1:secret1,JX0002:key2:secret2',
    });
    expect(config.SIM_KITE_USERS).toEqual(['ZK0001', 'ZK0002']);
    expect(config.SIM_XTS_USERS).toEqual([
      { userID: 'JX0001', appKey: 'key1', secretKey: 'secret1' },
      { userID: 'JX0002', appKey: 'key2', secretKey: 'secret2' },
    ]);
    expect(loadConfig('broker-sim', SimConfigSchema, {})).toMatchObject({
      SIM_KITE_USERS: [],
      SIM_XTS_USERS: [],
    });
    expect(() => loadConfig('broker-sim', SimConfigSchema, { SIM_XTS_USERS: 'JX0001:key1' })).toThrow(
      ConfigError,
    );
    expect(() => loadConfig('broker-sim', SimConfigSchema, { SIM_KITE_USERS: 'bad id' })).toThrow(
      ConfigError,
    );
  });
});
