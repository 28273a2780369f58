import { z } from 'zod';
import {
  baseConfigShape,
  demoKeysEnvShape,
  envPort,
  featureFlagsEnvShape,
  kiteEnvShape,
  kiteModeDefaults,
  mergeModeDefaults,
  withModeDefaults,
  xtsEnvShape,
  xtsModeDefaults,
} from '@fillwire/config';

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
  }),
);
export type OrderApiConfig = z.infer<typeof OrderApiConfigSchema>;
