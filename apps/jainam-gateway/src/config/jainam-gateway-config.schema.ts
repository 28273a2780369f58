import { z } from 'zod';
import {
  baseConfigShape,
  envDurationMs,
  envInt,
  envPort,
  featureFlagsEnvShape,
  mergeModeDefaults,
  reconcileEnvShape,
  withModeDefaults,
  xtsEnvShape,
  xtsModeDefaults,
} from '@fillwire/config';

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

/** jainam-gateway holds the XTS interactive socket per account, gap fill and polling. */
export const JainamGatewayConfigSchema = withModeDefaults(
  mergeModeDefaults(xtsModeDefaults, { demo: { XTS_ACCOUNT_ID: 'JN0001', XTS_USER_ID: 'demo' } }),
  z
    .object({
      ...baseConfigShape,
      PORT: envPort(3003),
      ...xtsEnvShape,
      /** The default account (the XTS_* key pair) and the Fillwire user it belongs to. */
      XTS_ACCOUNT_ID: optionalText,
      XTS_USER_ID: optionalText,
      /** More accounts: a JSON array, or the path of a JSON file holding one (see accounts/). */
      JAINAM_ACCOUNTS: optionalText,
      XTS_RECONNECT_MIN: envDurationMs('1s', 10),
      XTS_RECONNECT_MAX: envDurationMs('60s', 10),
      /** Failed logins (or logouts by another login within 5 min) before an account stands down. */
      XTS_MAX_AUTH_FAILURES: envInt(3, 1, 100),
      /** Order/trade book polling while the socket is down or the user is not event-driven. */
      XTS_POLL_INTERVAL: envDurationMs('2s', 1000),
      ...featureFlagsEnvShape,
      ...reconcileEnvShape,
    })
    .superRefine((c, ctx) => {
      if (c.JAINAM_ACCOUNTS) return;
      for (const key of ['XTS_ACCOUNT_ID', 'XTS_USER_ID'] as const) {
        if (!c[key])
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: 'is required when JAINAM_ACCOUNTS is not set (no default outside demo mode)',
          });
      }
    }),
);
export type JainamGatewayConfig = z.infer<typeof JainamGatewayConfigSchema>;
