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

export interface OrderCatchUp {
  /** Transitions that were new to the bus. */
  emitted: number;
  /** The order's newest state at the broker (undefined when the broker has no history for it). */
  current: CanonicalOrder | undefined;
}

type SyncChannel = 'reconciliation' | 'polling';

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

  /**
   * `closeGap`: the push channels are up, so once the book is read later pushes are live (the
   * reconciliation after the ticker connected). Suspect orders (ingest.suspectsOf) get their whole
   * history replayed through ingest: published states drop out as duplicates, the ones that never
   * went out are published (stale where a later state already was). Every order whose history is
   * needed stays suspect until its history has gone out, so a sync that fails half way (a history
   * read refused, Redis gone) leaves the rest to the next one even if a push moves them on meanwhile.
   */
  async sync(
    { account, adapter }: SyncTarget,
    channel: SyncChannel,
    { closeGap = false } = {},
  ): Promise<SyncResult> {
    const book = await this.pacer.run(`${account.accountId}:orders`, () => adapter.getOrderBook());
    if (closeGap) this.ingest.closeGap(account.accountId);
    const suspects = new Set(this.ingest.suspectsOf(account.accountId));
    const suspect = (order: CanonicalOrder): boolean => suspects.has(order.brokerOrderId);
    const result: SyncResult = { emitted: 0, historyCalls: 0 };
    const plan = planBookSync(book, (order) => this.ingest.latest(order), suspect);
    // What was published when the book was read: a push landing while the histories are read is
    // newer than the states it skipped and must not hide them.
    const published = new Map(
      plan.needHistory.map((row) => [row.brokerOrderId, suspect(row) ? undefined : this.ingest.latest(row)]),
    );
    this.ingest.markSuspects(
      account.accountId,
      plan.needHistory.map((row) => row.brokerOrderId),
    );
    result.emitted += await this.emit(account, plan.direct, channel, preciseNow());
    for (const row of plan.needHistory) {
      const history = await this.history({ account, adapter }, row.brokerOrderId);
      result.historyCalls += 1;
      const missed = missedFromHistory(history, published.get(row.brokerOrderId), row);
      result.emitted += await this.emit(account, missed, channel, preciseNow());
      this.ingest.clearSuspects(account.accountId, [row.brokerOrderId]);
    }
    // Suspects without fills, or no longer in the book: nothing a later state could hide.
    this.ingest.clearSuspects(account.accountId, [...suspects]);
    return result;
  }

  /**
   * One order's history, read after its placement (Kite pushes nothing for the placement itself):
   * the states newer than what was published go out as `reconciliation`, with the same ids a
   * postback or ticker copy of them would get.
   */
  async catchUpOrder(target: SyncTarget, brokerOrderId: string): Promise<OrderCatchUp> {
    const history = await this.history(target, brokerOrderId);
    const current = history.at(-1);
    if (!current) return { emitted: 0, current };
    const missed = missedFromHistory(history, this.ingest.latest(current), current);
    return { emitted: await this.emit(target.account, missed, 'reconciliation', preciseNow()), current };
  }

  private history({ account, adapter }: SyncTarget, brokerOrderId: string): Promise<CanonicalOrder[]> {
    return this.pacer.run(`${account.accountId}:history`, () => adapter.getOrderHistory(brokerOrderId));
  }

  /** Publishes the states in order; resolves with how many were new to the bus. */
  private async emit(
    account: KiteAccount,
    states: readonly CanonicalOrder[],
    channel: SyncChannel,
    receivedAt: number,
  ): Promise<number> {
    let emitted = 0;
    for (const order of states) {
      const outcome = await this.ingest.ingest({ order, userId: account.userId, channel, receivedAt });
      if (outcome.outcome === 'published') emitted += 1;
    }
    return emitted;
  }
}
