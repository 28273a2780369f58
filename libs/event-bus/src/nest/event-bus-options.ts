import type { EventEngineOptions } from '@fillwire/event-engine';
import {
  EVENT_CATALOGUE_LIST,
  type EventEnvelope,
  type EventMap as PayloadMap,
  type EventType,
} from '@fillwire/events';
import { z } from 'zod';
import { ConsumerOptionsSchema, RetentionSchema, type Retention } from '../bus-options.schema';
import type { EventFilter } from '../event-filter';

/** Event type → its envelope with a typed `data`: `EventEngine<FillwireEventMap>` narrows handlers. */
export type FillwireEventMap = {
  [K in EventType]: EventEnvelope<PayloadMap[K]> & { readonly type: K };
};

/** An exact catalogue name or a `domain.*` pattern of them. */
export type EventTypePattern = EventType | `${string}.*`;

export interface ConsumeOptions {
  /** The consumer group; one per service, so it defaults to the service name. */
  group?: string;
  /** What this service handles from the bus: names or `domain.*` patterns, or every bus-bound type. */
  types: readonly EventTypePattern[] | 'all';
  /** Narrows further by user or account; events that do not match are acked unhandled. */
  filter?: Omit<EventFilter, 'types'>;
  /** Bus entries handled at once by this replica (default 1: in order). */
  concurrency?: number;
  /** Where a NEW group starts: `$` (default) only new events, `0` the retained log, or an entry id. */
  startId?: string;
  maxDeliveries?: number;
  claimIdleMs?: number;
  claimIntervalMs?: number;
  blockMs?: number;
  batchSize?: number;
}

export interface EventBusModuleOptions {
  /** The service, e.g. `portfolio-manager`: default consumer group. */
  service: string;
  /** Consume from the bus into the local engine; omitted = this service only produces. */
  consume?: ConsumeOptions;
  /**
   * Which events put into the local engine go on the bus: names or `domain.*` patterns, `'all'`
   * (default: every bus-bound catalogue type) or `[]` (none).
   */
  publish?: readonly EventTypePattern[] | 'all';
  /** Queues this service uses, opened at boot so their depths show on /metrics from the start. */
  queues?: readonly string[];
  /** In-process engine settings (the logger is the service's). */
  engine?: Omit<EventEngineOptions, 'logger'>;
  /** Log retention applied on publish and watched by the lag monitor (default 1,000,000 entries). */
  retention?: Retention;
  /** How often the lag monitor refreshes lag/pending/log-length gauges; 0 = never. Default 15 s. */
  lagIntervalMs?: number;
  /** Budget for each shutdown step that waits on handlers (consumer drain, engine drain). Default 4 s. */
  drainTimeoutMs?: number;
  /** Redis and prefix, when not the service config's REDIS_URL / FILLWIRE_PREFIX (tests). */
  redisUrl?: string;
  prefix?: string;
}

const PATTERN = /^[a-z]+(\.[a-z][a-z-]*)*(\.\*)?$/;
const TypeListSchema = z.union([z.literal('all'), z.array(z.string().regex(PATTERN)).readonly()]);

const OptionsSchema = z
  .object({
    service: z.string().regex(/^[a-z0-9]+(?:[-_.][a-z0-9]+)*$/, 'service must be lowercase kebab-case'),
    consume: z
      .object({
        group: z.string().optional(),
        types: TypeListSchema,
        filter: z
          .object({
            userIds: z.array(z.string()).readonly().optional(),
            accountIds: z.array(z.string()).readonly().optional(),
          })
          .strict()
          .optional(),
        concurrency: ConsumerOptionsSchema.shape.concurrency.optional(),
        startId: ConsumerOptionsSchema.shape.startId.optional(),
        maxDeliveries: ConsumerOptionsSchema.shape.maxDeliveries.optional(),
        claimIdleMs: ConsumerOptionsSchema.shape.claimIdleMs.optional(),
        claimIntervalMs: ConsumerOptionsSchema.shape.claimIntervalMs.optional(),
        blockMs: ConsumerOptionsSchema.shape.blockMs.optional(),
        batchSize: ConsumerOptionsSchema.shape.batchSize.optional(),
      })
      .strict()
      .optional(),
    publish: TypeListSchema.default('all'),
    queues: z.array(z.string()).readonly().default([]),
    engine: z.record(z.string(), z.unknown()).optional(),
    retention: RetentionSchema.optional(),
    lagIntervalMs: z.number().int().min(0).default(15_000),
    drainTimeoutMs: z.number().int().positive().default(4000),
    redisUrl: z.string().optional(),
    prefix: z.string().optional(),
  })
  .strict();

/** The options after validation, with the type lists expanded to catalogue names. */
export interface ResolvedEventBusOptions {
  service: string;
  consume?: {
    group: string;
    /** Catalogue names the boot check wants handlers for. */
    types: EventType[];
    /** True for `types: 'all'`: a general handler covers every type. */
    all: boolean;
    filter: EventFilter;
    settings: Omit<NonNullable<EventBusModuleOptions['consume']>, 'group' | 'types' | 'filter'>;
  };
  publishTypes: EventType[];
  queues: readonly string[];
  engine: Omit<EventEngineOptions, 'logger'>;
  retention?: Retention;
  lagIntervalMs: number;
  drainTimeoutMs: number;
  redisUrl?: string;
  prefix?: string;
}

const BUS_TYPES = EVENT_CATALOGUE_LIST.filter((e) => e.busBound).map((e) => e.name);

/**
 * Bus-bound catalogue names matching a list of names and `domain.*` patterns. Throws on a name the
 * catalogue does not know, a pattern that matches nothing, or an in-process type (timer): a typo
 * here would otherwise silently consume or publish nothing.
 */
export function expandEventTypes(list: readonly string[] | 'all', what: string): EventType[] {
  if (list === 'all') return [...BUS_TYPES];
  const out = new Set<EventType>();
  for (const item of list) {
    const matches = item.endsWith('.*')
      ? BUS_TYPES.filter((t) => t.startsWith(item.slice(0, -1)))
      : BUS_TYPES.filter((t) => t === item);
    if (matches.length === 0)
      throw new Error(`EventBusModule: ${what} "${item}" is not a bus event of the catalogue`);
    for (const t of matches) out.add(t);
  }
  return [...out];
}

export function resolveEventBusOptions(input: EventBusModuleOptions): ResolvedEventBusOptions {
  const parsed = OptionsSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`EventBusModule: invalid options: ${problems.join('; ')}`);
  }
  const o = parsed.data;
  let consume: ResolvedEventBusOptions['consume'];
  if (o.consume) {
    const { group, types, filter, ...settings } = o.consume;
    consume = {
      group: group ?? o.service,
      types: expandEventTypes(types, 'consumed type'),
      all: types === 'all',
      filter: { ...filter, types: types === 'all' ? undefined : types },
      settings,
    };
  }
  return {
    service: o.service,
    consume,
    publishTypes: expandEventTypes(o.publish, 'published type'),
    queues: o.queues,
    engine: input.engine ?? {},
    retention: o.retention,
    lagIntervalMs: o.lagIntervalMs,
    drainTimeoutMs: o.drainTimeoutMs,
    redisUrl: o.redisUrl,
    prefix: o.prefix,
  };
}
