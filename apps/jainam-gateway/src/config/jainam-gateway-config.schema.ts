import { z } from 'zod';
import {
  baseConfigShape,
  envPort,
  featureFlagsEnvShape,
  reconcileEnvShape,
  withModeDefaults,
  xtsEnvShape,
  xtsModeDefaults,
} from '@fillwire/config';

/** jainam-gateway holds the XTS interactive socket per account, gap fill and polling. */
export const JainamGatewayConfigSchema = withModeDefaults(
  xtsModeDefaults,
  z.object({
    ...baseConfigShape,
    PORT: envPort(3003),
    ...xtsEnvShape,
    ...featureFlagsEnvShape,
    ...reconcileEnvShape,
  }),
);
export type JainamGatewayConfig = z.infer<typeof JainamGatewayConfigSchema>;
