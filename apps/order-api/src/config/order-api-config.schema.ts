import { z } from 'zod';
import {
  baseConfigShape,
  demoKeysEnvShape,
  envBoolean,
  envDurationMs,
  envInt,
  envList,
  envPort,
  featureFlagsEnvShape,
  kiteEnvShape,
  kiteModeDefaults,
  mergeModeDefaults,
  withModeDefaults,
  xtsEnvShape,
  xtsModeDefaults,
} from '@fillwire/config';

const XTS_INSTRUMENT = /^(NSE|BSE|NFO|BFO|CDS|BCD|MCX):[^:]+:\d+$/;

/** Kite's browser login, where GET /v1/brokers/zerodha/login sends a user. */
export const KITE_LOGIN_URL = 'https://kite.zerodha.com/connect/login';

/** order-api places orders at both brokers and owns the API keys and feature flags. */
export const OrderApiConfigSchema = withModeDefaults(
  mergeModeDefaults(kiteModeDefaults, xtsModeDefaults, { live: { KITE_LOGIN_URL } }),
  z
    .object({
      ...baseConfigShape,
      PORT: envPort(3000),
      ...kiteEnvShape,
      /** Unset in demo mode: the simulator's login next to KITE_ROOT_URL. */
      KITE_LOGIN_URL: z
        .string()
        .optional()
        .transform((v) => v || undefined)
        .pipe(z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).optional()),
      ...xtsEnvShape,
      ...featureFlagsEnvShape,
      ...demoKeysEnvShape,
      /** Order commands (place/modify/cancel) per account and second; the brokers allow 10. */
      ORDER_RATE_LIMIT_PER_SECOND: envInt(10, 1, 1_000_000),
      /** A broker write without an answer by then is ambiguous: we look the order up by its tag. */
      ORDER_BROKER_TIMEOUT: envDurationMs('7s', 50),
      /** How long an Idempotency-Key and its response are kept. */
      IDEMPOTENCY_TTL: envDurationMs('24h', 1000),
      /** Lifetime of session tokens issued for an API key (dashboard, WebSocket clients). */
      SESSION_TOKEN_TTL: envDurationMs('12h', 60_000),
      /** XTS instrument ids for our symbols, `EXCHANGE:SYMBOL:ID,...` (the simulator's by default). */
      XTS_INSTRUMENTS: envList().pipe(
        z.array(z.string().regex(XTS_INSTRUMENT, 'expected EXCHANGE:SYMBOL:ID, e.g. NSE:SBIN:3045')),
      ),
      /** `npm start -- --demo-traffic`: a stream of sample orders for the demo users. */
      FILLWIRE_DEMO_TRAFFIC: envBoolean(false),
      /** Mean gap between two demo-traffic actions; each gap is drawn between 2/3 and 4/3 of it. */
      FILLWIRE_DEMO_TRAFFIC_INTERVAL_MS: envInt(1500, 50, 3_600_000),
    })
    .superRefine((config, ctx) => {
      // Sample orders belong on the simulators, never on a real broker account.
      if (config.FILLWIRE_DEMO_TRAFFIC && !config.FILLWIRE_DEMO) {
        ctx.addIssue({
          code: 'custom',
          path: ['FILLWIRE_DEMO_TRAFFIC'],
          message: 'demo traffic places orders and runs only in demo mode (FILLWIRE_DEMO=1, the simulators)',
        });
      }
    })
    .transform((config) => ({
      ...config,
      KITE_LOGIN_URL: config.KITE_LOGIN_URL ?? `${config.KITE_ROOT_URL.replace(/\/+$/, '')}/connect/login`,
    })),
);
export type OrderApiConfig = z.infer<typeof OrderApiConfigSchema>;

/** The simulator's equities (tools/broker-sim instruments), used when XTS_INSTRUMENTS is empty. */
export const DEFAULT_XTS_INSTRUMENTS = [
  'NSE:SBIN:3045',
  'NSE:RELIANCE:2885',
  'NSE:INFY:1594',
  'NSE:TCS:11536',
  'NSE:HDFCBANK:1333',
  'NSE:ITC:1660',
  'NSE:TATASTEEL:3499',
];
