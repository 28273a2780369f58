import { EVENT_TYPES, eventPriority } from '@fillwire/events';
import { defaultPriorityOf } from './priority-resolver';

describe('defaultPriorityOf', () => {
  it.each(EVENT_TYPES)('agrees with the event catalogue for %s', (type) => {
    expect(defaultPriorityOf(type)).toBe(eventPriority(type));
  });

  it.each([
    ['order.whatever', 'critical'],
    ['trade.corrected', 'critical'],
    ['position.updated', 'normal'],
    ['instrument.updated', 'normal'],
    ['notification.sent', 'low'],
    ['risk.notification', 'low'],
  ] as const)('defaults unknown %s to %s by prefix', (type, priority) => {
    expect(defaultPriorityOf(type)).toBe(priority);
  });
});
