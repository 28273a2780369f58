import type { Priority } from './event-engine.types';

/**
 * Orders and trades first: they move money and positions. Notifications last: a late toast costs
 * nothing. `order.notification` is a notification despite its `order.` prefix.
 */
export function defaultPriorityOf(type: string): Priority {
  if (type === 'notification' || type.endsWith('.notification') || type.startsWith('notification.'))
    return 'low';
  if (type.startsWith('order.') || type.startsWith('trade.')) return 'critical';
  return 'normal';
}
