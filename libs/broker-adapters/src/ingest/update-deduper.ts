import {
  compareOrderState,
  orderUpdateEventId,
  tradeEventId,
  type CanonicalOrder,
  type TradeIdentity,
} from '@fillwire/events';

export type OrderVerdict = 'new' | 'duplicate' | 'stale';

export interface OrderClassification {
  verdict: OrderVerdict;
  /** The deterministic `order.updated` id of this state. */
  id: string;
}

export interface TradeClassification {
  verdict: 'new' | 'duplicate';
  id: string;
}

export interface UpdateDeduperOptions {
  /** Event ids remembered (oldest forgotten first); the bus's own dedup window backs this up. */
  maxIds?: number;
  /** Orders whose latest state is remembered for stale marking. */
  maxOrders?: number;
}

const orderKey = (o: Pick<CanonicalOrder, 'broker' | 'accountId' | 'brokerOrderId'>): string =>
  `${o.broker}\u0000${o.accountId}\u0000${o.brokerOrderId}`;

/** Insertion-ordered set with a size cap: touching a key makes it newest. */
function remember<V>(map: Map<string, V>, key: string, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > max) {
    const oldest = map.keys().next();
    if (oldest.done) break;
    map.delete(oldest.value);
  }
}

/**
 * A gateway's memory of what it already published: exact duplicates (same deterministic id) are
 * dropped, an order state lower than the latest seen for that order (compareOrderState) is passed
 * on marked stale. Classify first, record only once the bus has acknowledged, so an update whose
 * publish failed is not mistaken for a duplicate when it comes again (retry, gap fill).
 * Not safe for concurrent classify/record interleaving on one order: callers serialize (the
 * gateway's engine handler runs one event at a time).
 */
export class UpdateDeduper {
  private readonly ids = new Map<string, true>();
  private readonly latestByOrder = new Map<string, CanonicalOrder>();
  private readonly maxIds: number;
  private readonly maxOrders: number;

  constructor(options: UpdateDeduperOptions = {}) {
    this.maxIds = options.maxIds ?? 200_000;
    this.maxOrders = options.maxOrders ?? 50_000;
  }

  classifyOrder(order: CanonicalOrder): OrderClassification {
    const id = orderUpdateEventId(order);
    if (this.ids.has(id)) return { verdict: 'duplicate', id };
    const latest = this.latestByOrder.get(orderKey(order));
    if (!latest) return { verdict: 'new', id };
    const verdict = compareOrderState(latest, order);
    return { verdict: verdict === 'newer' ? 'new' : verdict, id };
  }

  /** After the bus acknowledged: remember the id, and the state if it is the order's newest. */
  recordOrder(order: CanonicalOrder, id: string = orderUpdateEventId(order)): void {
    remember(this.ids, id, true, this.maxIds);
    const key = orderKey(order);
    const latest = this.latestByOrder.get(key);
    if (!latest || compareOrderState(latest, order) === 'newer')
      remember(this.latestByOrder, key, order, this.maxOrders);
  }

  classifyTrade(trade: TradeIdentity): TradeClassification {
    const id = tradeEventId(trade);
    return { verdict: this.ids.has(id) ? 'duplicate' : 'new', id };
  }

  recordTrade(id: string): void {
    remember(this.ids, id, true, this.maxIds);
  }

  /** The newest state published for an order. */
  latest(order: Pick<CanonicalOrder, 'broker' | 'accountId' | 'brokerOrderId'>): CanonicalOrder | undefined {
    return this.latestByOrder.get(orderKey(order));
  }
}
