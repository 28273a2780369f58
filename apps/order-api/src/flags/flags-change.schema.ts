import { IdentifierSchema } from '@fillwire/identity';
import { z } from 'zod';

/** `PATCH /v1/admin/flags`. */
export const FlagsChangeSchema = z
  .strictObject({
    useEventDrivenOrders: z.boolean().optional().describe('global switch; false = everyone polled (rollback)'),
    rolloutPercent: z.number().int().min(0).max(100).optional(),
    users: z
      .record(IdentifierSchema, z.enum(['event-driven', 'polling', 'default']))
      .optional()
      .describe('per-user opt-in (event-driven), opt-out (polling) or back to the rollout (default)'),
  })
  .refine((c) => Object.values(c).some((v) => v !== undefined), { message: 'change at least one flag' });
