import { z } from 'zod';
import {
  baseConfigShape,
  envBoolean,
  envDurationMs,
  envPort,
  envUrl,
  featureFlagsEnvShape,
  kiteEnvShape,
  kiteModeDefaults,
  mergeModeDefaults,
  reconcileEnvShape,
  withModeDefaults,
} from '@fillwire/config';
import {
  parseAccountList,
  readAccountsFile,
  resolveAccounts,
  type KiteAccount,
} from '../accounts/kite-account.schema';

const modeDefaults = mergeModeDefaults(kiteModeDefaults, {
  demo: { ZERODHA_ACCOUNTS: 'AB1234:demo,CD5678:demo2', ZERODHA_MARKET_HOURS: 'always' },
  live: { ZERODHA_MARKET_HOURS: 'nse' },
});

/** zerodha-postback takes Kite postbacks (checksum with KITE_API_SECRET), the Kite ticker and polling. */
export const ZerodhaPostbackConfigSchema = withModeDefaults(
  modeDefaults,
  z
    .object({
      ...baseConfigShape,
      PORT: envPort(3002),
      ...kiteEnvShape,
      /** Where Kite (or the simulator) sends postbacks: this service's public URL. */
      ZERODHA_POSTBACK_URL: envUrl('http://127.0.0.1:3002/zerodha/postback', ['http:', 'https:']),
      ...featureFlagsEnvShape,
      ...reconcileEnvShape,
      /** `accountId:userId` pairs (Kite user id → Fillwire user), comma-separated. */
      ZERODHA_ACCOUNTS: z.string().optional(),
      /** JSON array of accounts with their own app keys and tokens (see kite-account.schema.ts). */
      ZERODHA_ACCOUNTS_FILE: z.string().min(1).optional(),
      /** Poll `GET /orders` once the ticker has been down this long. */
      ZERODHA_POLL_AFTER: envDurationMs('5s', 0),
      /** Pace of the fallback polling per account (Kite allows 10 req/s; stay well inside). */
      ZERODHA_POLL_INTERVAL: envDurationMs('1s', 250),
      /** When the fallback polling may run: `always`, or `nse` (09:15-15:30 IST, Mon-Fri). */
      ZERODHA_MARKET_HOURS: z.enum(['always', 'nse']).default('nse'),
      /**
       * Kite pushes nothing for a placement itself, so after `order.placed` for a followed account
       * the order's history is read once (again while it is still pending) and what was missed is
       * emitted: a resting order shows OPEN without waiting for its next change.
       */
      ZERODHA_PLACEMENT_CHECK: envBoolean(true),
      /** How long after `order.placed` the first read is made; each retry waits twice as long. */
      ZERODHA_PLACEMENT_CHECK_AFTER: envDurationMs('500ms', 0),
    })
    .transform((config, ctx) => {
      const { ZERODHA_ACCOUNTS, ZERODHA_ACCOUNTS_FILE, ...rest } = config;
      const entries = [
        ...parseAccountList(ZERODHA_ACCOUNTS ?? '', ctx),
        ...(ZERODHA_ACCOUNTS_FILE ? readAccountsFile(ZERODHA_ACCOUNTS_FILE, ctx) : []),
      ];
      const accounts: KiteAccount[] = resolveAccounts(entries, {
        apiKey: config.KITE_API_KEY,
        apiSecret: config.KITE_API_SECRET,
        demo: config.FILLWIRE_DEMO,
      });
      return { ...rest, ZERODHA_ACCOUNTS_FILE, accounts };
    }),
);
export type ZerodhaPostbackConfig = z.infer<typeof ZerodhaPostbackConfigSchema>;
