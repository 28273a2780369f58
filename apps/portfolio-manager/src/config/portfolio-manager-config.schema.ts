import { z } from 'zod';
import { baseConfigShape, envPort, reconcileEnvShape } from '@fillwire/config';

/** portfolio-manager keeps order state and positions and reconciles them with the brokers' books. */
export const PortfolioManagerConfigSchema = z.object({
  ...baseConfigShape,
  PORT: envPort(3004),
  ...reconcileEnvShape,
});
export type PortfolioManagerConfig = z.infer<typeof PortfolioManagerConfigSchema>;
