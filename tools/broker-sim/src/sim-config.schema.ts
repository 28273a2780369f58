import { envBoolean, envInt, envPort, envUrl } from '@fillwire/config';
import { z } from 'zod';
import { DEFAULT_SIM_SEED } from './engine/matching-engine';

/** The simulators read the same env names as the services, so both sides agree by default. */
export const SimConfigSchema = z.object({
  KITE_API_KEY: z.string().min(1).default('kite-demo'),
  KITE_API_SECRET: z.string().min(1).default('demo-secret'),
  XTS_APP_KEY: z.string().min(1).default('xts-demo'),
  XTS_SECRET_KEY: z.string().min(1).default('demo-secret'),
  ZERODHA_POSTBACK_URL: envUrl('http://127.0.0.1:3002/zerodha/postback', ['http:', 'https:']),
  SIM_HOST: z.string().min(1).default('127.0.0.1'),
  SIM_KITE_PORT: envPort(3100),
  SIM_XTS_PORT: envPort(3101),
  SIM_SEED: envInt(DEFAULT_SIM_SEED, 0, 2 ** 32 - 1),
  SIM_TICK_MS: envInt(250, 0, 60_000),
  SIM_MARKET_HOURS: z.enum(['always', 'nse']).default('always'),
  /** Funds per simulated user, rupees. */
  SIM_USER_FUNDS: envInt(10_000_000, 0),
  SIM_PARTIAL_FILL_PROBABILITY: z.preprocess(
    (v) => (v === undefined || v === '' ? 0.3 : Number(v)),
    z.number().min(0).max(1),
  ),
  SIM_KITE_RATE_LIMIT: envBoolean(true),
  SIM_XTS_RATE_LIMIT: envBoolean(true),
  SIM_KITE_WS_PLACEMENT_UPDATES: envBoolean(false),
  SIM_SCENARIO: z.string().min(1).optional(),
});
export type SimConfig = z.infer<typeof SimConfigSchema>;
