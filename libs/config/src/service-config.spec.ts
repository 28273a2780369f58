import { z } from 'zod';
import { loadConfig } from './load-config';
import { envDurationMs, envList, envRequired, isDemoEnv, withModeDefaults } from './service-config.schema';
import { kiteEnvShape, kiteModeDefaults, mergeModeDefaults, xtsModeDefaults } from './service-env.schema';

describe('service config helpers', () => {
  it('reads demo mode like envBoolean(true)', () => {
    expect(isDemoEnv({})).toBe(true);
    expect(isDemoEnv({ FILLWIRE_DEMO: '1' })).toBe(true);
    expect(isDemoEnv({ FILLWIRE_DEMO: 'OFF' })).toBe(false);
    expect(isDemoEnv({ FILLWIRE_DEMO: '0' })).toBe(false);
  });

  it('parses durations to milliseconds and rejects nonsense', () => {
    const schema = z.object({ D: envDurationMs('60s', 1000) });
    expect(loadConfig('svc', schema, {}).D).toBe(60_000);
    expect(loadConfig('svc', schema, { D: '1500ms' }).D).toBe(1500);
    expect(loadConfig('svc', schema, { D: '5m' }).D).toBe(300_000);
    expect(loadConfig('svc', schema, { D: '2' }).D).toBe(2000);
    expect(() => loadConfig('svc', schema, { D: 'soon' })).toThrow(/D: expected a duration/);
    expect(() => loadConfig('svc', schema, { D: '10ms' })).toThrow(/at least 1000 ms/);
  });

  it('splits lists and requires secrets', () => {
    const schema = z.object({ L: envList(), S: envRequired() });
    expect(loadConfig('svc', schema, { L: ' a:1, ,b:2 ', S: 'x' })).toEqual({ L: ['a:1', 'b:2'], S: 'x' });
    expect(() => loadConfig('svc', schema, { S: '  ' })).toThrow(/S: is required/);
  });

  it('fills simulator defaults in demo mode and requires secrets outside it', () => {
    const schema = withModeDefaults(
      mergeModeDefaults(kiteModeDefaults, xtsModeDefaults),
      z.object({ FILLWIRE_DEMO: z.string().optional(), ...kiteEnvShape }),
    );
    expect(loadConfig('svc', schema, {})).toMatchObject({
      KITE_API_KEY: 'kite-demo',
      KITE_API_SECRET: 'demo-secret',
      KITE_ROOT_URL: 'http://127.0.0.1:3100',
      KITE_WS_URL: 'ws://127.0.0.1:3100',
    });
    const live = { FILLWIRE_DEMO: '0', KITE_API_KEY: 'k', KITE_API_SECRET: 's' };
    expect(loadConfig('svc', schema, live)).toMatchObject({
      KITE_ROOT_URL: 'https://api.kite.trade',
      KITE_WS_URL: 'wss://ws.kite.trade',
    });
    expect(() => loadConfig('svc', schema, { FILLWIRE_DEMO: '0', KITE_API_SECRET: '' })).toThrow(
      /KITE_API_KEY: is required[\s\S]*KITE_API_SECRET: is required/,
    );
  });
});
