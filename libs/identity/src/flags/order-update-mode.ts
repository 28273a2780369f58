import { rolloutBucket } from '@fillwire/broker-adapters';
import type { FeatureFlags } from '@fillwire/events';

export type OrderUpdateMode = 'event-driven' | 'polling';

export interface OrderUpdateDecision {
  mode: OrderUpdateMode;
  /** Why: the global switch is off, a per-user override, or the user's rollout bucket. */
  reason: 'global-off' | 'opt-out' | 'opt-in' | 'rollout';
  bucket: number;
}

/**
 * Event-driven or polling for one user. The global switch wins over everything (rollback = one
 * call); then per-user opt-out, opt-in; then the stable bucket (the gateways' `rolloutBucket`)
 * against the percentage.
 */
export function decideOrderUpdateMode(
  flags: Pick<FeatureFlags, 'useEventDrivenOrders' | 'rolloutPercent' | 'optIn' | 'optOut'>,
  userId: string,
): OrderUpdateDecision {
  const bucket = rolloutBucket(userId);
  if (!flags.useEventDrivenOrders) return { mode: 'polling', reason: 'global-off', bucket };
  if (flags.optOut.includes(userId)) return { mode: 'polling', reason: 'opt-out', bucket };
  if (flags.optIn.includes(userId)) return { mode: 'event-driven', reason: 'opt-in', bucket };
  return { mode: bucket < flags.rolloutPercent ? 'event-driven' : 'polling', reason: 'rollout', bucket };
}
