import { FeatureFlagsSchema, type FeatureFlags } from '@fillwire/events';
import type Redis from 'ioredis';

/** The flags live in one Redis key, `<prefix>:flags:order-updates`, as JSON. */
export function featureFlagsKey(prefix: string): string {
  return `${prefix}:flags:order-updates`;
}

/** Config values used until an admin changes something. */
export type FlagDefaults = Pick<FeatureFlags, 'useEventDrivenOrders' | 'rolloutPercent'>;

export function initialFlags(defaults: FlagDefaults): FeatureFlags {
  return { ...defaults, optIn: [], optOut: [], version: 0, updatedAt: 0, updatedBy: null };
}

const MAX_ATTEMPTS = 10;

export class FeatureFlagsRepository {
  readonly key: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly defaults: FlagDefaults,
  ) {
    this.key = featureFlagsKey(prefix);
  }

  /** The stored flags, or the config defaults when no admin has changed them. */
  async get(): Promise<FeatureFlags> {
    return this.parse(await this.redis.get(this.key));
  }

  parse(json: string | null): FeatureFlags {
    if (json === null) return initialFlags(this.defaults);
    const parsed = FeatureFlagsSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : initialFlags(this.defaults);
  }

  /**
   * Read-modify-write under WATCH, so concurrent admins never lose each other's change. Returns the
   * flags before and after.
   */
  async update(change: (current: FeatureFlags) => FeatureFlags): Promise<{ before: FeatureFlags; after: FeatureFlags }> {
    // A dedicated connection: WATCH state is per connection and the shared client is busy with others.
    const conn = this.redis.duplicate();
    try {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        await conn.watch(this.key);
        const before = this.parse(await conn.get(this.key));
        const after = FeatureFlagsSchema.parse(change(before));
        const result = await conn.multi().set(this.key, JSON.stringify(after)).exec();
        if (result !== null) return { before, after };
      }
      throw new Error(`feature flags: ${MAX_ATTEMPTS} concurrent changes in a row, giving up`);
    } finally {
      conn.disconnect();
    }
  }
}
