import { compareOrderState, type CanonicalOrder } from '@fillwire/events';

type LatestOf = (order: CanonicalOrder) => CanonicalOrder | undefined;

export interface BookSyncPlan {
  /** Book rows to emit as they are: newer than what was published, with no fill to recover. */
  direct: CanonicalOrder[];
  /** Book rows whose fills moved since the last published state: their history may hold missed partial fills. */
  needHistory: CanonicalOrder[];
}

/**
 * Compares the broker's order book with the newest state published per order. A row that is not
 * newer changes nothing; a newer row whose filled quantity moved needs the order's history (any
 * partial fill in between was missed too), otherwise the row itself is the missed transition.
 * A suspect order with fills needs its history even when its row is not newer: its newest
 * published state may have arrived after states that never went out.
 */
export function planBookSync(
  book: readonly CanonicalOrder[],
  latestOf: LatestOf,
  suspect: (order: CanonicalOrder) => boolean = () => false,
): BookSyncPlan {
  const plan: BookSyncPlan = { direct: [], needHistory: [] };
  for (const row of book) {
    if (suspect(row) && row.filledQuantity > 0) {
      plan.needHistory.push(row);
      continue;
    }
    const latest = latestOf(row);
    if (latest && compareOrderState(latest, row) !== 'newer') continue;
    if (row.filledQuantity > (latest?.filledQuantity ?? 0)) plan.needHistory.push(row);
    else plan.direct.push(row);
  }
  return plan;
}

/**
 * The states of an order's history (oldest first) that come after `latest`, each newer than the
 * one before, ending with the book row if the history stops short of it. Emitted in this order,
 * none of them is stale.
 */
export function missedFromHistory(
  history: readonly CanonicalOrder[],
  latest: CanonicalOrder | undefined,
  bookRow: CanonicalOrder,
): CanonicalOrder[] {
  const missed: CanonicalOrder[] = [];
  let current = latest;
  for (const state of [...history, bookRow]) {
    if (current && compareOrderState(current, state) !== 'newer') continue;
    missed.push(state);
    current = state;
  }
  return missed;
}
