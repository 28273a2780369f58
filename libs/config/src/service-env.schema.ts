import { z } from 'zod';
import { envBoolean, envInt, envUrl } from './load-config';
import { envDurationMs, envRequired, type ModeDefaults } from './service-config.schema';

// Env fragments several services (and the simulators) share. The names are public: see the
// interface table of the architecture brief. Demo defaults point at the local simulators.

export const kiteEnvShape = {
  KITE_API_KEY: envRequired(),
  KITE_API_SECRET: envRequired(),
  KITE_ROOT_URL: envUrl(undefined, ['http:', 'https:']),
  KITE_WS_URL: envUrl(undefined, ['ws:', 'wss:']),
};
export const kiteModeDefaults: ModeDefaults = {
  demo: {
    KITE_API_KEY: 'kite-demo',
    KITE_API_SECRET: 'demo-secret',
    KITE_ROOT_URL: 'http://127.0.0.1:3100',
    KITE_WS_URL: 'ws://127.0.0.1:3100',
  },
  live: { KITE_ROOT_URL: 'https://api.kite.trade', KITE_WS_URL: 'wss://ws.kite.trade' },
};

export const xtsEnvShape = {
  XTS_BASE_URL: envUrl(undefined, ['http:', 'https:']),
  XTS_APP_KEY: envRequired(),
  XTS_SECRET_KEY: envRequired(),
  XTS_SOURCE: z.string().default('WEBAPI'),
};
export const xtsModeDefaults: ModeDefaults = {
  demo: { XTS_BASE_URL: 'http://127.0.0.1:3101', XTS_APP_KEY: 'xts-demo', XTS_SECRET_KEY: 'demo-secret' },
};

export const featureFlagsEnvShape = {
  USE_EVENT_DRIVEN_ORDERS: envBoolean(true),
  EVENT_DRIVEN_ROLLOUT_PERCENT: envInt(100, 0, 100),
};

const apiKey = z
  .string()
  .optional()
  .transform((v) => (v === '' ? undefined : v))
  .pipe(z.string().min(16, 'must be at least 16 characters').optional());

/** Demo users' API keys; when unset, `npm start` generates them once and passes them to every service. */
export const demoKeysEnvShape = {
  FILLWIRE_DEMO_API_KEY: apiKey,
  FILLWIRE_DEMO2_API_KEY: apiKey,
};

export const reconcileEnvShape = {
  RECONCILE_INTERVAL: envDurationMs('60s', 1000),
};

/** Merges mode defaults of several fragments. */
export function mergeModeDefaults(...all: ModeDefaults[]): ModeDefaults {
  return {
    demo: Object.assign({}, ...all.map((d) => d.demo ?? {})) as Record<string, string>,
    live: Object.assign({}, ...all.map((d) => d.live ?? {})) as Record<string, string>,
  };
}
