import type { FeatureFlags, FlagsUpdated } from '@fillwire/events';
import type { FeatureFlagsRepository } from './feature-flags.repository';

/** An admin's change; absent fields stay as they are. */
export interface FlagsChange {
  useEventDrivenOrders?: boolean;
  rolloutPercent?: number;
  /** Per-user overrides: `event-driven` (opt in), `polling` (opt out), `default` (clear). */
  users?: Record<string, 'event-driven' | 'polling' | 'default'>;
}

/** Publishes `flags.updated` (the service does not know the bus; order-api passes its publisher). */
export type FlagsUpdatedPublisher = (event: FlagsUpdated, by: string | null) => Promise<void>;

const sorted = (values: Iterable<string>): string[] => [...new Set(values)].sort();

/** Applies admin changes to the rollout flags and announces each one. */
export class FeatureFlagsService {
  constructor(
    private readonly repository: FeatureFlagsRepository,
    private readonly publish: FlagsUpdatedPublisher,
    private readonly now: () => number = Date.now,
  ) {}

  get(): Promise<FeatureFlags> {
    return this.repository.get();
  }

  async update(change: FlagsChange, by: string | null): Promise<{ flags: FeatureFlags; changed: string[] }> {
    let changed: string[] = [];
    const { after } = await this.repository.update((current) => {
      const next = this.apply(current, change);
      changed = (['useEventDrivenOrders', 'rolloutPercent', 'optIn', 'optOut'] as const).filter(
        (field) => JSON.stringify(current[field]) !== JSON.stringify(next[field]),
      );
      return changed.length === 0 ? current : { ...next, version: current.version + 1, updatedAt: this.now(), updatedBy: by };
    });
    if (changed.length > 0) await this.publish({ flags: after, changed }, by);
    return { flags: after, changed };
  }

  private apply(current: FeatureFlags, change: FlagsChange): FeatureFlags {
    const optIn = new Set(current.optIn);
    const optOut = new Set(current.optOut);
    for (const [userId, mode] of Object.entries(change.users ?? {})) {
      optIn.delete(userId);
      optOut.delete(userId);
      if (mode === 'event-driven') optIn.add(userId);
      if (mode === 'polling') optOut.add(userId);
    }
    return {
      ...current,
      useEventDrivenOrders: change.useEventDrivenOrders ?? current.useEventDrivenOrders,
      rolloutPercent: change.rolloutPercent ?? current.rolloutPercent,
      optIn: sorted(optIn),
      optOut: sorted(optOut),
    };
  }
}
