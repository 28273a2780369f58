import { Inject, Injectable } from '@nestjs/common';
import { KeyedSerializer, UpdateDeduper } from '@fillwire/broker-adapters';
import {
  createEnvelope,
  isKnownBrokerStatus,
  preciseNow,
  type CanonicalOrder,
  type Channel,
} from '@fillwire/events';
import { EventLogRepository } from './event-log.repository';
import { IngestMetrics } from './ingest-metrics.service';

/** One normalized order update as a channel delivered it. */
export interface OrderUpdate {
  order: CanonicalOrder;
  /** The Fillwire user owning the account. */
  userId: string;
  channel: Channel;
  /** When we first saw it: epoch ms with a sub-ms fraction. */
  receivedAt: number;
}

export type IngestResult =
  | { outcome: 'published'; id: string; entryId: string; stale: boolean }
  | { outcome: 'duplicate'; id: string; where: 'gateway' | 'bus' };

/**
 * The one path every Kite order update takes to the bus, whatever the channel: drop exact
 * duplicates (gateway memory first, then the bus's idempotent publish), mark states older than one
 * already seen as stale, publish `order.updated` with the deterministic id and resolve only once
 * Redis acknowledged it. Updates of one order pass one at a time, so copies arriving together by
 * postback and ticker are classified in turn.
 */
@Injectable()
export class OrderIngestService {
  private readonly serial = new KeyedSerializer();
  private readonly resync = new Set<string>();
  /** Accounts whose push channels have been up since their last reconciliation read the book. */
  private readonly live = new Set<string>();
  /** Per account, orders whose history may hold states we never published (see suspectsOf). */
  private readonly suspects = new Map<string, Set<string>>();

  constructor(
    @Inject(EventLogRepository) private readonly eventLog: Pick<EventLogRepository, 'publish'>,
    private readonly deduper: UpdateDeduper,
    private readonly metrics: IngestMetrics,
  ) {}

  /** Resolves with what happened; rejects (original error) when the bus could not take it. */
  ingest(update: OrderUpdate): Promise<IngestResult> {
    this.metrics.received.inc(this.metrics.labels(update.channel));
    this.metrics.noteMessage(update.order.accountId);
    const key = `${update.order.accountId}\u0000${update.order.brokerOrderId}`;
    return this.serial.run(key, () => this.process(update));
  }

  /** Accounts with an update the bus refused since the last call: they need a book sync. */
  takeResyncRequests(): string[] {
    const accounts = [...this.resync];
    this.resync.clear();
    return accounts;
  }

  /**
   * The account's push channels may have missed states (ticker down, or not yet reconciled since
   * boot): from now on every pushed order is a suspect until a reconciliation has read the book.
   */
  openGap(accountId: string): void {
    this.live.delete(accountId);
  }

  /** A reconciliation read the book with the push channels up: later pushes are live again. */
  closeGap(accountId: string): void {
    this.live.add(accountId);
  }

  /**
   * Orders of the account whose newest published state does not prove that every earlier state was
   * published: one of their publishes failed, or they were pushed while a gap was open (a later
   * state arriving first would hide the missed ones from a book comparison). Sync reads their
   * history whatever the book says.
   */
  suspectsOf(accountId: string): string[] {
    return [...(this.suspects.get(accountId) ?? [])];
  }

  /** Orders whose history a sync is about to read: suspects until it has gone out. */
  markSuspects(accountId: string, orderIds: readonly string[]): void {
    for (const brokerOrderId of orderIds) this.suspect({ accountId, brokerOrderId });
  }

  /** Their history was read and every unpublished state went out. */
  clearSuspects(accountId: string, orderIds: readonly string[]): void {
    const set = this.suspects.get(accountId);
    if (!set) return;
    for (const id of orderIds) set.delete(id);
    if (set.size === 0) this.suspects.delete(accountId);
  }

  /** The newest state published for an order (reconciliation compares the book with it). */
  latest(order: Pick<CanonicalOrder, 'broker' | 'accountId' | 'brokerOrderId'>): CanonicalOrder | undefined {
    return this.deduper.latest(order);
  }

  private async process({ order, userId, channel, receivedAt }: OrderUpdate): Promise<IngestResult> {
    const labels = this.metrics.labels(channel);
    if (!this.live.has(order.accountId) && (channel === 'postback' || channel === 'ticker'))
      this.suspect(order);
    const { verdict, id } = this.deduper.classifyOrder(order);
    if (verdict === 'duplicate') {
      this.metrics.duplicates.inc({ ...labels, where: 'gateway' });
      return { outcome: 'duplicate', id, where: 'gateway' };
    }
    const stale = verdict === 'stale';
    const statusKnown = isKnownBrokerStatus('zerodha', order.brokerStatus);
    const envelope = createEnvelope(
      'order.updated',
      { order, ...(stale ? { stale: true } : {}), ...(statusKnown ? {} : { statusKnown: false }) },
      {
        id,
        source: 'zerodha-postback',
        channel,
        receivedAt,
        userId,
        accountId: order.accountId,
        broker: 'zerodha',
        key: order.brokerOrderId,
        ts: order.exchangeTimestamp ?? order.brokerTimestamp ?? Math.floor(receivedAt),
      },
      // Every channel's order comes out of the Kite normalizer, which checked it against
      // CanonicalOrderSchema a moment ago: one validation per update, not two.
      { trustedData: true },
    );
    let published;
    try {
      published = await this.eventLog.publish(envelope);
    } catch (err) {
      this.metrics.publishFailures.inc(labels);
      this.resync.add(order.accountId);
      this.suspect(order);
      throw err;
    }
    this.deduper.recordOrder(order, id);
    this.metrics.ackSeconds.observe(labels, (preciseNow() - receivedAt) / 1000);
    if (published.duplicate) {
      this.metrics.duplicates.inc({ ...labels, where: 'bus' });
      return { outcome: 'duplicate', id, where: 'bus' };
    }
    if (stale) this.metrics.stale.inc(labels);
    if (!statusKnown) this.metrics.unknownStatus.inc(labels);
    if (channel === 'reconciliation' || channel === 'polling') this.metrics.corrections.inc(labels);
    return { outcome: 'published', id, entryId: published.entryId, stale };
  }

  private suspect(order: Pick<CanonicalOrder, 'accountId' | 'brokerOrderId'>): void {
    const set = this.suspects.get(order.accountId) ?? new Set<string>();
    set.add(order.brokerOrderId);
    this.suspects.set(order.accountId, set);
  }
}
