import { Inject, Injectable } from '@nestjs/common';
import {
  Counter,
  Gauge,
  Histogram,
  Registry,
  Summary,
  collectDefaultMetrics,
  type CounterConfiguration,
  type GaugeConfiguration,
  type HistogramConfiguration,
  type Metric,
  type SummaryConfiguration,
} from 'prom-client';
import { SERVICE_NAME } from '../observability-tokens';

export const METRIC_PREFIX = 'fillwire_';

type Config<C extends { name: string; registers?: unknown }> = Omit<C, 'registers' | 'name'> & {
  name: string;
};

/**
 * The service's own prom-client registry (never the global one, so several apps can live in one
 * test process). Default process metrics keep their standard names; ours are `fillwire_<what>_<unit>`
 * and get the prefix if the caller left it out. Asking twice for one name returns the same metric,
 * so modules need not coordinate who creates it.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  constructor(@Inject(SERVICE_NAME) service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
  }

  counter<L extends string>(config: Config<CounterConfiguration<L>>): Counter<L> {
    return this.getOrCreate(
      Counter<L>,
      config.name,
      (name) => new Counter<L>({ ...config, name, registers: [this.registry] }),
    );
  }

  gauge<L extends string>(config: Config<GaugeConfiguration<L>>): Gauge<L> {
    return this.getOrCreate(
      Gauge<L>,
      config.name,
      (name) => new Gauge<L>({ ...config, name, registers: [this.registry] }),
    );
  }

  histogram<L extends string>(config: Config<HistogramConfiguration<L>>): Histogram<L> {
    return this.getOrCreate(
      Histogram<L>,
      config.name,
      (name) => new Histogram<L>({ ...config, name, registers: [this.registry] }),
    );
  }

  summary<L extends string>(config: Config<SummaryConfiguration<L>>): Summary<L> {
    return this.getOrCreate(
      Summary<L>,
      config.name,
      (name) => new Summary<L>({ ...config, name, registers: [this.registry] }),
    );
  }

  /** Prometheus text exposition of everything registered. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private getOrCreate<M extends Metric>(
    kind: abstract new (...args: never[]) => M,
    rawName: string,
    create: (name: string) => M,
  ): M {
    const name = rawName.startsWith(METRIC_PREFIX) ? rawName : `${METRIC_PREFIX}${rawName}`;
    const existing = this.registry.getSingleMetric(name);
    if (!existing) return create(name);
    if (!(existing instanceof kind)) throw new Error(`metric ${name} already exists as another kind`);
    return existing;
  }
}
