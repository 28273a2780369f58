import { z } from 'zod';

/** `GET /admin/dlq` query: both layers unless `layer` says otherwise, newest first. */
export const DeadLetterQuerySchema = z
  .object({
    layer: z.enum(['events', 'jobs', 'all']).default('all'),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    /** Only this consumer group's event dead letters. */
    group: z.string().min(1).max(100).optional(),
    /** Only this queue's failed jobs. */
    queue: z.string().min(1).max(100).optional(),
  })
  .strict();
export type DeadLetterQuery = z.infer<typeof DeadLetterQuerySchema>;
