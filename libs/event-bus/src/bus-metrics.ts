import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

type GroupLabel = 'group';

/**
 * The bus's Prometheus metrics on a given registry. Several bus objects in one process share them:
 * a metric already registered under the same name is reused.
 */
export class BusMetrics {
  readonly handled: Counter<GroupLabel>;
  readonly failed: Counter<GroupLabel>;
  readonly filtered: Counter<GroupLabel>;
  readonly reclaimed: Counter<GroupLabel>;
  readonly deadLettered: Counter<GroupLabel>;
  readonly published: Counter<'outcome'>;
  readonly publishErrors: Counter;
  readonly handleLatency: Histogram<GroupLabel>;
  readonly groupLag: Gauge<GroupLabel>;
  readonly groupPending: Gauge<GroupLabel>;
  readonly retentionUsage: Gauge<GroupLabel>;
  readonly logLength: Gauge;
  readonly deadLetters: Gauge;

  constructor(readonly registry: Registry) {
    const counter = <L extends string>(name: string, help: string, labelNames: L[]): Counter<L> =>
      (registry.getSingleMetric(name) as Counter<L> | undefined) ??
      new Counter<L>({ name, help, labelNames, registers: [registry] });
    const gauge = <L extends string>(name: string, help: string, labelNames: L[]): Gauge<L> =>
      (registry.getSingleMetric(name) as Gauge<L> | undefined) ??
      new Gauge<L>({ name, help, labelNames, registers: [registry] });

    this.handled = counter(
      'fillwire_bus_events_handled_total',
      'Events handled successfully per consumer group',
      ['group'],
    );
    this.failed = counter('fillwire_bus_events_failed_total', 'Handler failures per consumer group', [
      'group',
    ]);
    this.filtered = counter(
      'fillwire_bus_events_filtered_total',
      'Events acked without handling (filtered out)',
      ['group'],
    );
    this.reclaimed = counter(
      'fillwire_bus_events_reclaimed_total',
      'Entries taken over from idle consumers',
      ['group'],
    );
    this.deadLettered = counter(
      'fillwire_bus_events_dead_lettered_total',
      'Entries moved to the dead-letter stream',
      ['group'],
    );
    this.published = counter(
      'fillwire_bus_published_total',
      'Publish calls by outcome (published, duplicate)',
      ['outcome'],
    );
    this.publishErrors = counter('fillwire_bus_publish_errors_total', 'Publish calls that failed', []);
    this.handleLatency =
      (registry.getSingleMetric('fillwire_bus_handle_latency_seconds') as
        Histogram<GroupLabel> | undefined) ??
      new Histogram<GroupLabel>({
        name: 'fillwire_bus_handle_latency_seconds',
        help: 'From envelope.receivedAt to handler done, per consumer group',
        labelNames: ['group'],
        buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
        registers: [registry],
      });
    this.groupLag = gauge(
      'fillwire_bus_group_lag_entries',
      'Entries in the log not yet delivered to the group',
      ['group'],
    );
    this.groupPending = gauge(
      'fillwire_bus_group_pending_entries',
      'Entries delivered to the group and not acked',
      ['group'],
    );
    this.retentionUsage = gauge(
      'fillwire_bus_group_retention_ratio',
      'How close the group is to losing entries to retention (1 = at the limit)',
      ['group'],
    );
    this.logLength = gauge('fillwire_bus_event_log_length_entries', 'Entries in the event log stream', []);
    this.deadLetters = gauge('fillwire_bus_dead_letters_entries', 'Entries in the dead-letter stream', []);
  }
}
