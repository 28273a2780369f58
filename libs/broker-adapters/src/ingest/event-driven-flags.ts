import { createHash } from 'node:crypto';

/** The public feature flags USE_EVENT_DRIVEN_ORDERS and EVENT_DRIVEN_ROLLOUT_PERCENT, parsed. */
export interface EventDrivenFlags {
  useEventDrivenOrders: boolean;
  /** 0..100 */
  rolloutPercent: number;
}

/** A user's stable bucket 0..99 (SHA-256 of the user id), so a rollout never flips a user back and forth. */
export function rolloutBucket(userId: string): number {
  return createHash('sha256').update(userId).digest().readUInt32BE(0) % 100;
}

/** Whether this user's orders are followed by pushed updates (true) or by polling (false). */
export function isEventDriven(userId: string, flags: EventDrivenFlags): boolean {
  if (!flags.useEventDrivenOrders) return false;
  return rolloutBucket(userId) < flags.rolloutPercent;
}
