import { Injectable } from '@nestjs/common';
import type { Channel } from '@fillwire/events';
import { MetricsService } from '@fillwire/observability';
import type { Counter, Gauge, Histogram } from 'prom-client';

type ByChannel = 'broker' | 'channel';

/**
 * The gateway's ingestion metrics (names shared with jainam-gateway's where they mean the same).
 * `duplicates dropped` counts both places a copy dies: the gateway's memory (`where="gateway"`)
 * and the bus's idempotent publish (`where="bus"`).
 */
@Injectable()
export class IngestMetrics {
  readonly received: Counter<ByChannel>;
  readonly duplicates: Counter<ByChannel | 'where'>;
  readonly stale: Counter<ByChannel>;
  readonly corrections: Counter<ByChannel>;
  readonly ackSeconds: Histogram<ByChannel>;
  readonly publishFailures: Counter<ByChannel>;
  readonly unknownStatus: Counter<ByChannel>;
  readonly unknownAccount: Counter<ByChannel>;
  readonly checksumFailures: Counter;
  readonly rejected: Counter<'reason'>;
  readonly connectionState: Gauge<'broker' | 'account' | 'state'>;
  readonly responses: Counter<'status'>;
  private readonly lastMessageAt = new Map<string, number>();
  private readonly responsesByStatus = new Map<number, Counter.Internal>();

  constructor(metrics: MetricsService) {
    this.received = metrics.counter({
      name: 'fillwire_broker_updates_received_total',
      help: 'Broker order updates received, by channel (before dedup)',
      labelNames: ['broker', 'channel'],
    });
    this.duplicates = metrics.counter({
      name: 'fillwire_broker_updates_duplicates_dropped_total',
      help: 'Exact duplicate updates dropped, at the gateway or by the idempotent bus publish',
      labelNames: ['broker', 'channel', 'where'],
    });
    this.stale = metrics.counter({
      name: 'fillwire_broker_updates_stale_total',
      help: 'Updates older than a state already seen for the order, published marked stale',
      labelNames: ['broker', 'channel'],
    });
    this.corrections = metrics.counter({
      name: 'fillwire_broker_reconciliation_corrections_total',
      help: 'Transitions the push channels missed, emitted by reconciliation or polling',
      labelNames: ['broker', 'channel'],
    });
    this.ackSeconds = metrics.histogram({
      name: 'fillwire_broker_update_ack_seconds',
      help: 'From receipt of a broker update to the bus acknowledging its event',
      labelNames: ['broker', 'channel'],
      buckets: [0.0005, 0.001, 0.002, 0.003, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 2],
    });
    this.publishFailures = metrics.counter({
      name: 'fillwire_broker_publish_failures_total',
      help: 'Updates that could not be published (bus unavailable); reconciliation recovers them',
      labelNames: ['broker', 'channel'],
    });
    this.unknownStatus = metrics.counter({
      name: 'fillwire_broker_unknown_status_total',
      help: 'Updates with a broker status missing from our tables (published with statusKnown=false)',
      labelNames: ['broker', 'channel'],
    });
    this.unknownAccount = metrics.counter({
      name: 'fillwire_broker_unknown_account_total',
      help: 'Updates for an account this gateway is not configured for (not published)',
      labelNames: ['broker', 'channel'],
    });
    this.checksumFailures = metrics.counter({
      name: 'fillwire_postback_checksum_failures_total',
      help: 'Postbacks refused with 401: checksum missing or matching no configured Kite app',
    });
    this.rejected = metrics.counter({
      name: 'fillwire_postback_rejected_total',
      help: 'Postbacks refused, by reason (checksum, invalid, too-large, unavailable)',
      labelNames: ['reason'],
    });
    this.responses = metrics.counter({
      name: 'fillwire_postback_responses_total',
      help: 'Postback requests answered, by HTTP status (the route writes no per-request log line)',
      labelNames: ['status'],
    });
    this.connectionState = metrics.gauge({
      name: 'fillwire_broker_connection_state',
      help: '1 for the current connection state of each account, 0 for the others',
      labelNames: ['broker', 'account', 'state'],
    });
    const lastMessageAt = this.lastMessageAt;
    metrics.gauge({
      name: 'fillwire_broker_last_message_age_seconds',
      help: 'Seconds since the last order update of each account, any channel',
      labelNames: ['broker', 'account'],
      collect(this: Gauge<'broker' | 'account'>) {
        const now = Date.now();
        for (const [account, at] of lastMessageAt)
          this.set({ broker: 'zerodha', account }, (now - at) / 1000);
      },
    });
  }

  /** A postback was answered with `status`. */
  answered(status: number): void {
    let counter = this.responsesByStatus.get(status);
    if (!counter) {
      counter = this.responses.labels({ status: String(status) });
      this.responsesByStatus.set(status, counter);
    }
    counter.inc();
  }

  /** An update for `accountId` arrived (any channel): resets its age gauge. */
  noteMessage(accountId: string, at = Date.now()): void {
    this.lastMessageAt.set(accountId, at);
  }

  /** Starts the age gauge of a configured account before its first message. */
  track(accountId: string, at = Date.now()): void {
    if (!this.lastMessageAt.has(accountId)) this.lastMessageAt.set(accountId, at);
  }

  labels(channel: Channel): { broker: 'zerodha'; channel: Channel } {
    return { broker: 'zerodha', channel };
  }
}
