import { z } from 'zod';
import {
  baseConfigShape,
  demoKeysEnvShape,
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

/** order-api places orders at both brokers and owns the API keys and feature flags. */
export const OrderApiConfigSchema = withModeDefaults(
  mergeModeDefaults(kiteModeDefaults, xtsModeDefaults),
  z.object({
    ...baseConfigShape,
    PORT: envPort(3000),
    ...kiteEnvShape,
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
  }),
);
export type OrderApiConfig = z.infer<typeof OrderApiConfigSchema>;

/** The simulator's equities (tools/broker-sim instruments), used when XTS_INSTRUMENTS is empty. */
export const DEFAULT_XTS_INSTRUMENTS = ['NSE:SBIN:3045', 'NSE:RELIANCE:2885', 'NSE:INFY:1594', 'NSE:TCS:11536', 'NSE:HDFCBANK:1333', 'NSE:ITC:1660', 'NSE:TATASTEEL:3499'];
