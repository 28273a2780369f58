import { ConfigError, loadConfig } from '@fillwire/config';
import { JainamGatewayConfigSchema } from './jainam-gateway-config.schema';

const load = (env: Record<string, string>) => loadConfig('jainam-gateway', JainamGatewayConfigSchema, env);

describe('JainamGatewayConfigSchema', () => {
  it('defaults to port 3003 and the XTS simulator in demo mode', () => {
    expect(load({})).toMatchObject({
      PORT: 3003,
      XTS_BASE_URL: 'http://127.0.0.1:3101',
      XTS_APP_KEY: 'xts-demo',
      XTS_SECRET_KEY: 'demo-secret',
      XTS_SOURCE: 'WEBAPI',
      RECONCILE_INTERVAL: 60_000,
    });
  });

  it('outside demo mode needs the XTS URL and keys, all listed at once', () => {
    let error: unknown;
    try {
      load({ FILLWIRE_DEMO: 'no', PORT: '0' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'PORT',
      'XTS_APP_KEY',
      'XTS_BASE_URL',
      'XTS_SECRET_KEY',
    ]);
  });
});
