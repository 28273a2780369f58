import type { DeliveryMeta, ReadPacer, TradeRecord, UpdateDeduper } from '@fillwire/broker-adapters';
import type { CanonicalOrder } from '@fillwire/events';
import type { XtsAccountPort } from './xts-account.adapter';

/** Where fetched states go: the gateway puts them through the same path as socket updates. */
export interface UpdateEmitter {
  order(order: CanonicalOrder, meta: DeliveryMeta): Promise<void>;
  trade(trade: TradeRecord, meta: DeliveryMeta): Promise<void>;
}

export interface BookSyncResult {
  orders: number;
  trades: number;
  histories: number;
}

/**
 * Gap fill and polling from the XTS order and trade books. Every read is paced (XTS allows 1 req/s
 * per read endpoint; order book and order history share one budget). In gap fill the orders whose
 * book state is new to us get their history fetched, so the transitions the socket missed are
 * emitted in order, up to `maxHistories` per sync (the rest: their book state only).
 */
export class OrderBookSyncService {
  constructor(
    private readonly pacer: ReadPacer,
    private readonly deduper: UpdateDeduper,
    private readonly now: () => number,
    private readonly maxHistories = 10,
  ) {}

  async sync(
    port: XtsAccountPort,
    channel: 'reconciliation' | 'polling',
    emit: UpdateEmitter,
  ): Promise<BookSyncResult> {
    const book = await this.pacer.run('orders', () => port.orderBook());
    const trades = await this.pacer.run('trades', () => port.trades());
    let histories = 0;
    for (const order of book) {
      const meta = { channel, receivedAt: this.now() };
      if (this.deduper.classifyOrder(order).verdict === 'duplicate') continue;
      if (channel === 'reconciliation' && histories < this.maxHistories) {
        histories += 1;
        const history = await this.pacer.run('orders', () => port.orderHistory(order.brokerOrderId));
        for (const state of history) await emit.order(state, { channel, receivedAt: this.now() });
      }
      await emit.order(order, meta);
    }
    for (const trade of trades) await emit.trade(trade, { channel, receivedAt: this.now() });
    return { orders: book.length, trades: trades.length, histories };
  }
}
