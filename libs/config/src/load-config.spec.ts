import { z } from 'zod';
import { ConfigError, envBoolean, envInt, envPort, envUrl, loadConfig } from './load-config';
import { BaseConfigSchema } from './base-config.schema';

describe('loadConfig', () => {
  const schema = z.object({ PORT: envPort(3000), DEBUG: envBoolean(false), URL: envUrl(), N: envInt(5, 1, 10) });

  it('applies defaults and converts types', () => {
    expect(loadConfig('svc', schema, { URL: 'redis://x:1' })).toEqual({
      PORT: 3000,
      DEBUG: false,
      URL: 'redis://x:1',
      N: 5,
    });
    expect(loadConfig('svc', schema, { URL: 'http://a', DEBUG: 'YES', PORT: '8080', N: '10' })).toMatchObject({
      DEBUG: true,
      PORT: 8080,
      N: 10,
    });
  });

  it('lists every problem at once', () => {
    let error: unknown;
    try {
      loadConfig('svc', schema, { PORT: '70000', DEBUG: 'maybe', N: '0' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { problems, message } = error as ConfigError;
    expect(problems).toHaveLength(4);
    expect(message).toContain('PORT');
    expect(message).toContain('DEBUG');
    expect(message).toContain('URL: is required');
    expect(message).toContain('N');
  });

  it('base config rejects a prefix with ":" and a non-redis URL', () => {
    expect(() => loadConfig('svc', BaseConfigSchema, { FILLWIRE_PREFIX: 'a:b', REDIS_URL: 'http://x' })).toThrow(
      /FILLWIRE_PREFIX[\s\S]*REDIS_URL|REDIS_URL[\s\S]*FILLWIRE_PREFIX/,
    );
    expect(loadConfig('svc', BaseConfigSchema, {})).toMatchObject({
      REDIS_URL: 'redis://127.0.0.1:6390',
      FILLWIRE_PREFIX: 'fillwire',
      FILLWIRE_DEMO: true,
    });
  });
});
