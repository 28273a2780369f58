import {
  compareOrderState,
  type CanonicalOrder,
  type OrderDifference,
  type OrderReconciled,
} from '@fillwire/events';

const COMPARED = [
  'status',
  'filledQuantity',
  'averagePrice',
  'quantity',
  'price',
  'triggerPrice',
  'orderType',
] as const;

/**
 * What the broker's order book says that Fillwire does not know: a missing order, or a broker
 * state newer than ours (compareOrderState). Null when we are level or ahead (the book may lag).
 */
export function orderDrift(local: CanonicalOrder | null, broker: CanonicalOrder): OrderReconciled | null {
  if (local === null) return { order: broker, previous: null, differences: [] };
  if (compareOrderState(local, broker) !== 'newer') return null;
  const differences: OrderDifference[] = COMPARED.filter((f) => local[f] !== broker[f]).map((field) => ({
    field,
    local: local[field],
    broker: broker[field],
  }));
  return differences.length ? { order: broker, previous: local, differences } : null;
}
