import type { FeatureFlags } from '@fillwire/events';
import type Redis from 'ioredis';
import { identityKeys } from '../identity-keys';
import { FeatureFlagsRepository, initialFlags, type FlagDefaults } from './feature-flags.repository';
import { decideOrderUpdateMode, type OrderUpdateDecision, type OrderUpdateMode } from './order-update-mode';

export interface FeatureFlagsReaderOptions {
  redis: Redis;
  prefix: string;
  /** USE_EVENT_DRIVEN_ORDERS / EVENT_DRIVEN_ROLLOUT_PERCENT from config, until an admin changes them. */
  defaults: FlagDefaults;
  /** How often Redis is read (default 500 ms: a change is in effect within a second). */
  refreshMs?: number;
  /** Called when a refresh fails (Redis down): the last known flags stay in use. */
  onError?: (error: unknown) => void;
}

/**
 * The rollout flags for gateways and screens, cached in memory and refreshed from Redis every
 * 500 ms (one pipelined GET + HGETALL), so a change or a rollback is in effect within a second
 * without a restart. Also maps accounts to their users, since gateways know accounts.
 */
export class FeatureFlagsReader {
  private flags: FeatureFlags;
  private owners: Record<string, string> = {};
  private timer: NodeJS.Timeout | null = null;
  private readonly listeners = new Set<(flags: FeatureFlags) => void>();
  private readonly repository: FeatureFlagsRepository;
  private readonly ownersKey: string;
  private refreshing: Promise<void> | null = null;

  constructor(private readonly options: FeatureFlagsReaderOptions) {
    this.flags = initialFlags(options.defaults);
    this.repository = new FeatureFlagsRepository(options.redis, options.prefix, options.defaults);
    this.ownersKey = identityKeys(options.prefix).accountOwners;
  }

  /** Loads once (so the first answers are right), then refreshes in the background. */
  async start(): Promise<void> {
    await this.refresh();
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.refresh().catch((error: unknown) => this.options.onError?.(error));
    }, this.options.refreshMs ?? 500);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Reads Redis now (also what the timer does); concurrent calls share one read. */
  refresh(): Promise<void> {
    this.refreshing ??= this.load().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  get current(): FeatureFlags {
    return this.flags;
  }

  decide(userId: string): OrderUpdateDecision {
    return decideOrderUpdateMode(this.flags, userId);
  }

  modeForUser(userId: string): OrderUpdateMode {
    return this.decide(userId).mode;
  }

  isEventDriven(userId: string): boolean {
    return this.modeForUser(userId) === 'event-driven';
  }

  /** The owner's mode; an account linked to nobody follows the global switch alone. */
  modeForAccount(accountId: string): OrderUpdateMode {
    const userId = this.owners[accountId];
    if (userId !== undefined) return this.modeForUser(userId);
    return this.flags.useEventDrivenOrders ? 'event-driven' : 'polling';
  }

  /** Called after every refresh that changed the flags. */
  onChange(listener: (flags: FeatureFlags) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async load(): Promise<void> {
    const replies = await this.options.redis.pipeline().get(this.repository.key).hgetall(this.ownersKey).exec();
    if (!replies) return;
    const [[flagsError, json], [ownersError, owners]] = replies as [[Error | null, string | null], [Error | null, Record<string, string>]];
    if (flagsError) throw flagsError;
    if (ownersError) throw ownersError;
    const next = this.repository.parse(json);
    this.owners = owners;
    const changed = JSON.stringify(next) !== JSON.stringify(this.flags);
    this.flags = next;
    if (changed) for (const listener of this.listeners) listener(next);
  }
}
