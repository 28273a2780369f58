import { envBoolean, envInt, envList, envPort, envUrl } from '@fillwire/config';
import { z } from 'zod';
import { DEFAULT_SIM_SEED } from './engine/matching-engine';
import { DEFAULT_KITE_REDIRECT_URL } from './kite/kite-login.controller';

const USER_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** `AB1234,CD5678`: more Kite user ids (request token = the id, as for the demo users). */
const kiteUsers = envList().pipe(
  z.array(z.string().regex(USER_ID, 'Kite user ids: letters, digits, _ . - (1-64)')),
);

/** `userID:appKey:secretKey,...`: more XTS users, one key pair each (XTS keeps one session per pair). */
const xtsUsers = envList().pipe(
  z.array(
    z
      .string()
      .transform((item) => item.split(':'))
      .pipe(
        z.tuple([z.string().regex(USER_ID), z.string().min(1), z.string().min(1)], {
          error: 'expected userID:appKey:secretKey',
        }),
      )
      .transform(([userID, appKey, secretKey]) => ({ userID, appKey, secretKey })),
  ),
);

/** The simulators read the same env names as the services, so both sides agree by default. */
export const SimConfigSchema = z.object({
  KITE_API_KEY: z.string().min(1).default('kite-demo'),
  KITE_API_SECRET: z.string().min(1).default('demo-secret'),
  XTS_APP_KEY: z.string().min(1).default('xts-demo'),
  XTS_SECRET_KEY: z.string().min(1).default('demo-secret'),
  ZERODHA_POSTBACK_URL: envUrl('http://127.0.0.1:3002/zerodha/postback', ['http:', 'https:']),
  /** Where GET /connect/login redirects: the Kite app's redirect URL (order-api's callback). */
  SIM_KITE_REDIRECT_URL: envUrl(DEFAULT_KITE_REDIRECT_URL, ['http:', 'https:']),
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
  /** Kite users besides AB1234 and CD5678 (benchmarks with many accounts). */
  SIM_KITE_USERS: kiteUsers,
  /** XTS users besides the XTS_APP_KEY/XTS_SECRET_KEY one. */
  SIM_XTS_USERS: xtsUsers,
});
export type SimConfig = z.infer<typeof SimConfigSchema>;
