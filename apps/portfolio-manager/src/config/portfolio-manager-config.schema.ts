import { z } from 'zod';
import { baseConfigShape, envInt, envPort, reconcileEnvShape } from '@fillwire/config';

/** portfolio-manager keeps order state and positions and reconciles them with the brokers' books. */
export const PortfolioManagerConfigSchema = z.object({
  ...baseConfigShape,
  PORT: envPort(3004),
  ...reconcileEnvShape,
  /** Bus entries one replica applies at once (the state merge is commutative, so order is free). */
  PM_CONCURRENCY: envInt(8, 1, 256),
});
export type PortfolioManagerConfig = z.infer<typeof PortfolioManagerConfigSchema>;
