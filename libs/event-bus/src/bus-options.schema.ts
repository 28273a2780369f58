import { z } from 'zod';

/** Log retention: by length (`XADD MAXLEN ~`) or by age (`XADD MINID ~`), applied on every publish. */
export const RetentionSchema = z.union([
  z.object({ maxLen: z.number().int().min(1000) }).strict(),
  z.object({ maxAgeMs: z.number().int().min(60_000) }).strict(),
]);
export type Retention = z.infer<typeof RetentionSchema>;

export const DEFAULT_RETENTION: Retention = { maxLen: 1_000_000 };

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parses a retention setting as an operator writes it: `1000000` or `len:1000000` keeps that many
 * entries; `7d`, `36h`, `90m` or `age:7d` keeps entries that young.
 */
export function parseRetention(spec: string): Retention {
  const text = spec.trim().toLowerCase();
  const match = /^(?:(len|age):)?(\d+)(ms|s|m|h|d)?$/.exec(text);
  if (!match)
    throw new Error(`invalid retention "${spec}": expected e.g. 1000000, len:1000000, 7d or age:36h`);
  const [, kind, digits, unit] = match;
  const n = Number(digits);
  const byAge = kind === 'age' || (kind === undefined && unit !== undefined);
  if (kind === 'len' && unit !== undefined)
    throw new Error(`invalid retention "${spec}": a length has no unit`);
  if (kind === 'age' && unit === undefined)
    throw new Error(`invalid retention "${spec}": an age needs a unit (ms, s, m, h, d)`);
  const retention = byAge ? { maxAgeMs: n * UNITS[unit ?? 'ms'] } : { maxLen: n };
  const parsed = RetentionSchema.safeParse(retention);
  if (!parsed.success) throw new Error(`invalid retention "${spec}": keep at least 1000 entries or 1 minute`);
  return parsed.data;
}

export const PublisherOptionsSchema = z.object({
  /** How long a published envelope id is remembered to drop duplicates. */
  dedupTtlMs: z
    .number()
    .int()
    .positive()
    .default(24 * 3_600_000),
  retention: RetentionSchema.default(DEFAULT_RETENTION),
  /** A publish that gets no answer in this time fails its caller. */
  commandTimeoutMs: z.number().int().positive().default(2000),
  /**
   * Gather the publishes issued within one event-loop turn into one write (ioredis auto-pipelining):
   * fewer syscalls per event when a gateway takes many updates at once; each still resolves on its ack.
   */
  autoPipeline: z.boolean().default(false),
});
export type PublisherOptions = z.input<typeof PublisherOptionsSchema>;

export const ConsumerOptionsSchema = z
  .object({
    /** The subscribing service: one consumer group per service. */
    group: z.string().min(1),
    /** This replica's name in the group; defaults to host-pid. */
    consumer: z.string().min(1).optional(),
    /** Where a NEW group starts: `$` only new events, `0` the whole retained log, or an entry id. */
    startId: z
      .string()
      .regex(/^(\$|0|\d+-\d+)$/, 'startId must be $, 0 or an entry id')
      .default('$'),
    batchSize: z.number().int().min(1).max(1000).default(100),
    blockMs: z.number().int().min(10).max(60_000).default(5000),
    /** Handlers running at once in this consumer; 1 = sequential. */
    concurrency: z.number().int().min(1).max(256).default(1),
    /** Deliveries before an entry is dead-lettered (the first delivery counts). */
    maxDeliveries: z.number().int().min(1).max(1000).default(5),
    /** An entry pending this long in another consumer is taken over. */
    claimIdleMs: z.number().int().min(10).default(30_000),
    claimIntervalMs: z.number().int().min(10).default(5000),
    /** Consumers with nothing pending that were idle this long are removed from the group. */
    deadConsumerIdleMs: z.number().int().min(60_000).default(3_600_000),
    /** How long the last error of a pending entry is kept for its dead letter. */
    errorTtlMs: z
      .number()
      .int()
      .positive()
      .default(7 * 86_400_000),
  })
  .strict();
export type ConsumerOptions = z.input<typeof ConsumerOptionsSchema>;
export type ResolvedConsumerOptions = z.output<typeof ConsumerOptionsSchema>;
