import { z } from 'zod';
import {
  baseConfigShape,
  envBoolean,
  envDurationMs,
  envInt,
  envList,
  envPort,
  kiteEnvShape,
  kiteModeDefaults,
  mergeModeDefaults,
  reconcileEnvShape,
  withModeDefaults,
  xtsEnvShape,
  xtsModeDefaults,
} from '@fillwire/config';
import { parseSquareOffSchedule } from '../automation/square-off-schedule';

/** portfolio-manager keeps order state and positions, runs exits and square-off, reconciles with the brokers. */
export const PortfolioManagerConfigSchema = withModeDefaults(
  mergeModeDefaults(kiteModeDefaults, xtsModeDefaults),
  z
    .object({
      ...baseConfigShape,
      PORT: envPort(3004),
      ...reconcileEnvShape,
      ...kiteEnvShape,
      ...xtsEnvShape,
      /** Bus entries one replica applies at once (the state merge is commutative, so order is free). */
      PM_CONCURRENCY: envInt(8, 1, 256),
      /** Stop-loss/target/trailing exits and MIS square-off; off = state and reconciliation only. */
      PM_AUTOMATION: envBoolean(true),
      /** MIS square-off cut-offs overriding the defaults: `[broker:]EXCHANGE=HH:MM` (IST), comma-separated. */
      SQUARE_OFF_TIMES: z.string().default(''),
      /** IST dates (YYYY-MM-DD) without a session: no square-off. */
      SQUARE_OFF_HOLIDAYS: envList(),
      /** How often the square-off schedule is checked. */
      SQUARE_OFF_CHECK_INTERVAL: envDurationMs('15s', 100),
      /**
       * Drills and tests only: the service's clock starts at this ISO instant and runs on from there
       * (square-off schedule, reconciliation cycles). Unset = the real clock.
       */
      PM_CLOCK_START: z
        .string()
        .optional()
        .refine(
          (v) => v === undefined || v === '' || !Number.isNaN(Date.parse(v)),
          'expected an ISO instant',
        ),
      /** Least time between two modifications of one trailing stop at the broker. */
      TRAILING_MODIFY_INTERVAL: envDurationMs('1s', 100),
      /**
       * The last-price feed's lease: one replica holds it and runs the Kite ticker; when the holder
       * dies another takes over within this TTL plus a third of it (renewed every third).
       */
      PRICE_FEED_LEASE_TTL: envDurationMs('3s', 300),
      /** How often the feed holder re-reads open positions and trailing stops and resubscribes. */
      PRICE_FEED_REFRESH_INTERVAL: envDurationMs('2s', 100),
    })
    .superRefine((c, ctx) => {
      try {
        parseSquareOffSchedule(c.SQUARE_OFF_TIMES, c.SQUARE_OFF_HOLIDAYS);
      } catch (error) {
        const [key, ...rest] = (error as Error).message.split(': ');
        ctx.addIssue({ code: 'custom', path: [key], message: rest.join(': ') });
      }
    }),
);
export type PortfolioManagerConfig = z.infer<typeof PortfolioManagerConfigSchema>;

/** The service clock: real time, or PM_CLOCK_START plus the time elapsed since boot. */
export function serviceClock(config: Pick<PortfolioManagerConfig, 'PM_CLOCK_START'>): () => number {
  if (!config.PM_CLOCK_START) return () => Date.now();
  const offset = Date.parse(config.PM_CLOCK_START) - Date.now();
  return () => Date.now() + offset;
}
