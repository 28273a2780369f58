import type { Priority } from './event-engine.types';

const LOW_DOMAINS = ['analyzer.', 'system.', 'auth.', 'notification.'];

/**
 * Orders and trades first: they move money and positions. Notifications, analyzer/system/auth notices
 * and timer ticks last: late costs nothing there. Matches the priorities of @fillwire/events' catalogue
 * (a spec checks it) without depending on it; `order.notification` is low despite its `order.` prefix.
 */
export function defaultPriorityOf(type: string): Priority {
  if (type === 'timer' || type.endsWith('.notification')) return 'low';
  for (const prefix of LOW_DOMAINS) if (type.startsWith(prefix)) return 'low';
  if (type.startsWith('order.') || type.startsWith('trade.')) return 'critical';
  return 'normal';
}
