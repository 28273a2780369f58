import { Injectable } from '@nestjs/common';
import type { BrokerConnectionState, Channel } from '@fillwire/events';
import { BROKER_CONNECTION_STATES } from '@fillwire/events';
import { MetricsService } from '@fillwire/observability';
import type { Counter, Gauge, Histogram } from 'prom-client';

export type UpdateKind = 'order' | 'trade' | 'position';

/** What the ingest and connection services report; the unit tests pass a recording fake. */
export interface IngestMetrics {
  received(accountId: string, channel: Channel, kind: UpdateKind): void;
  duplicate(accountId: string, kind: UpdateKind): void;
  stale(accountId: string): void;
  correction(accountId: string, kind: UpdateKind): void;
  acked(channel: Channel, seconds: number): void;
  publishFailed(accountId: string): void;
  unusable(accountId: string, channel: string): void;
}

export interface ConnectionMetrics {
  state(accountId: string, state: BrokerConnectionState): void;
  authFailure(accountId: string): void;
  reconnect(accountId: string): void;
}

/** The gateway's Prometheus metrics (`fillwire_gateway_*`, labelled broker/account). */
@Injectable()
export class GatewayMetricsService implements IngestMetrics, ConnectionMetrics {
  private readonly broker = 'jainam';
  private readonly receivedTotal: Counter<'broker' | 'account' | 'channel' | 'kind'>;
  private readonly duplicatesTotal: Counter<'broker' | 'account' | 'kind'>;
  private readonly staleTotal: Counter<'broker' | 'account'>;
  private readonly correctionsTotal: Counter<'broker' | 'account' | 'kind'>;
  private readonly ackSeconds: Histogram<'broker' | 'channel'>;
  private readonly publishFailures: Counter<'broker' | 'account'>;
  private readonly unusableTotal: Counter<'broker' | 'account' | 'channel'>;
  private readonly stateGauge: Gauge<'broker' | 'account' | 'state'>;
  private readonly authFailures: Counter<'broker' | 'account'>;
  private readonly reconnects: Counter<'broker' | 'account'>;
  private readonly lastMessageAt = new Map<string, number>();

  constructor(metrics: MetricsService) {
    this.receivedTotal = metrics.counter({
      name: 'gateway_updates_received_total',
      help: 'Broker updates received, by channel and kind',
      labelNames: ['broker', 'account', 'channel', 'kind'],
    });
    this.duplicatesTotal = metrics.counter({
      name: 'gateway_duplicates_dropped_total',
      help: 'Exact duplicate updates dropped at the gateway',
      labelNames: ['broker', 'account', 'kind'],
    });
    this.staleTotal = metrics.counter({
      name: 'gateway_stale_updates_total',
      help: 'Order updates older than a state already seen, published marked stale',
      labelNames: ['broker', 'account'],
    });
    this.correctionsTotal = metrics.counter({
      name: 'gateway_reconciliation_corrections_total',
      help: 'Updates the socket missed, found by gap fill or polling',
      labelNames: ['broker', 'account', 'kind'],
    });
    this.ackSeconds = metrics.histogram({
      name: 'gateway_receipt_to_ack_seconds',
      help: 'From receipt of a broker update to the event bus acknowledging it',
      labelNames: ['broker', 'channel'],
      buckets: [0.0005, 0.001, 0.002, 0.003, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1, 5],
    });
    this.publishFailures = metrics.counter({
      name: 'gateway_publish_failures_total',
      help: 'Updates the bus did not acknowledge (resynced by gap fill)',
      labelNames: ['broker', 'account'],
    });
    this.unusableTotal = metrics.counter({
      name: 'gateway_unusable_payloads_total',
      help: 'Broker payloads that could not be normalized',
      labelNames: ['broker', 'account', 'channel'],
    });
    this.stateGauge = metrics.gauge({
      name: 'gateway_connection_state',
      help: '1 for the current connection state of each account',
      labelNames: ['broker', 'account', 'state'],
    });
    this.authFailures = metrics.counter({
      name: 'gateway_auth_failures_total',
      help: 'Failed logins, invalid tokens and logouts by another login',
      labelNames: ['broker', 'account'],
    });
    this.reconnects = metrics.counter({
      name: 'gateway_reconnects_total',
      help: 'Reconnect attempts',
      labelNames: ['broker', 'account'],
    });
    const ages = this.lastMessageAt;
    const broker = this.broker;
    metrics.gauge({
      name: 'gateway_last_message_age_seconds',
      help: 'Seconds since the last broker message of each account',
      labelNames: ['broker', 'account'],
      collect() {
        const now = Date.now();
        for (const [account, at] of ages) this.set({ broker, account }, (now - at) / 1000);
      },
    });
  }

  received(accountId: string, channel: Channel, kind: UpdateKind): void {
    this.lastMessageAt.set(accountId, Date.now());
    this.receivedTotal.inc({ broker: this.broker, account: accountId, channel, kind });
  }

  duplicate(accountId: string, kind: UpdateKind): void {
    this.duplicatesTotal.inc({ broker: this.broker, account: accountId, kind });
  }

  stale(accountId: string): void {
    this.staleTotal.inc({ broker: this.broker, account: accountId });
  }

  correction(accountId: string, kind: UpdateKind): void {
    this.correctionsTotal.inc({ broker: this.broker, account: accountId, kind });
  }

  acked(channel: Channel, seconds: number): void {
    this.ackSeconds.observe({ broker: this.broker, channel }, seconds);
  }

  publishFailed(accountId: string): void {
    this.publishFailures.inc({ broker: this.broker, account: accountId });
  }

  unusable(accountId: string, channel: string): void {
    this.unusableTotal.inc({ broker: this.broker, account: accountId, channel });
  }

  state(accountId: string, state: BrokerConnectionState): void {
    for (const s of BROKER_CONNECTION_STATES)
      this.stateGauge.set({ broker: this.broker, account: accountId, state: s }, s === state ? 1 : 0);
  }

  authFailure(accountId: string): void {
    this.authFailures.inc({ broker: this.broker, account: accountId });
  }

  reconnect(accountId: string): void {
    this.reconnects.inc({ broker: this.broker, account: accountId });
  }
}
