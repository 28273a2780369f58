import { z } from 'zod';
import {
  baseConfigShape,
  envPort,
  envUrl,
  featureFlagsEnvShape,
  kiteEnvShape,
  kiteModeDefaults,
  reconcileEnvShape,
  withModeDefaults,
} from '@fillwire/config';

/** zerodha-postback takes Kite postbacks (checksum with KITE_API_SECRET), the Kite ticker and polling. */
export const ZerodhaPostbackConfigSchema = withModeDefaults(
  kiteModeDefaults,
  z.object({
    ...baseConfigShape,
    PORT: envPort(3002),
    ...kiteEnvShape,
    /** Where Kite (or the simulator) sends postbacks: this service's public URL. */
    ZERODHA_POSTBACK_URL: envUrl('http://127.0.0.1:3002/zerodha/postback', ['http:', 'https:']),
    ...featureFlagsEnvShape,
    ...reconcileEnvShape,
  }),
);
export type ZerodhaPostbackConfig = z.infer<typeof ZerodhaPostbackConfigSchema>;
