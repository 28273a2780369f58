import { Injectable } from '@nestjs/common';
import { ReadPacer, type BrokerAdapter } from '@fillwire/broker-adapters';
import { preciseNow, type CanonicalOrder } from '@fillwire/events';
import type { KiteAccount } from '../accounts/kite-account.schema';
import { OrderIngestService } from '../ingest/order-ingest.service';
import { missedFromHistory, planBookSync } from './missed-transitions';

export interface SyncTarget {
  account: KiteAccount;
  adapter: Pick<BrokerAdapter, 'getOrderBook' | 'getOrderHistory'>;
}

export interface SyncResult {
  /** Transitions that were new to the bus (the corrections). */
  emitted: number;
  /** History calls made to recover fill jumps. */
  historyCalls: number;
}

/**
 * Brings the bus level with the broker's order book: every state newer than what was published
 * goes out (channel `reconciliation` after a (re)connect, `polling` as the fallback), with the
 * order's history fetched where the filled quantity jumped, so a missed partial fill is recovered.
 * Reads are paced per account (book and history each at most 4 req/s; Kite allows 10).
 */
@Injectable()
export class OrderSyncService {
  private readonly pacer = new ReadPacer({ intervalMs: 250 });

  constructor(private readonly ingest: OrderIngestService) {}

  async sync({ account, adapter }: SyncTarget, channel: 'reconciliation' | 'polling'): Promise<SyncResult> {
    const book = await this.pacer.run(`${account.accountId}:orders`, () => adapter.getOrderBook());
    const receivedAt = preciseNow();
    const result: SyncResult = { emitted: 0, historyCalls: 0 };
    const emit = async (order: CanonicalOrder, at: number): Promise<void> => {
      const outcome = await this.ingest.ingest({ order, userId: account.userId, channel, receivedAt: at });
      if (outcome.outcome === 'published') result.emitted += 1;
    };
    const plan = planBookSync(book, (order) => this.ingest.latest(order));
    for (const row of plan.direct) await emit(row, receivedAt);
    for (const row of plan.needHistory) {
      const history = await this.pacer.run(`${account.accountId}:history`, () =>
        adapter.getOrderHistory(row.brokerOrderId),
      );
      result.historyCalls += 1;
      const at = preciseNow();
      for (const state of missedFromHistory(history, this.ingest.latest(row), row)) await emit(state, at);
    }
    return result;
  }
}
