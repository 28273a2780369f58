import { z } from 'zod';
import { envBoolean, envUrl } from './load-config';

/** Settings every service shares (names are public: see the architecture brief's interface table). */
export const baseConfigShape = {
  REDIS_URL: envUrl('redis://127.0.0.1:6390', ['redis:', 'rediss:']),
  FILLWIRE_PREFIX: z
    .string()
    .optional()
    .transform((v) => v || 'fillwire')
    .pipe(z.string().regex(/^[A-Za-z0-9_-]+$/, 'only letters, digits, _ and - (no ":")')),
  FILLWIRE_DEMO: envBoolean(true),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HOST: z.string().default('127.0.0.1'),
  /** Bearer token of the `/admin/*` endpoints (dead letters); unset = admin endpoints disabled. */
  FILLWIRE_ADMIN_TOKEN: z
    .string()
    .optional()
    .transform((v) => v || undefined)
    .pipe(z.string().min(16, 'at least 16 characters').optional()),
};
export const BaseConfigSchema = z.object(baseConfigShape);
export type BaseConfig = z.infer<typeof BaseConfigSchema>;
