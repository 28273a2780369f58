import { BROKER_ORDER_COMMANDS, type BrokerRestOperation } from '@fillwire/broker-adapters';
import type { Sample } from './prom-text';

/** What the report judges, read from the services' metrics. */
export interface Figures {
  services: { url: string; up: boolean; service?: string; uptimeS?: number }[];
  /** receivedAt → first WebSocket frame (fillwire_ws_delivery_latency_seconds), ms. */
  screenLatencyMs: { count: number; p50?: number; p99?: number };
  /** receivedAt → handler done, all consumer groups (fillwire_bus_handle_latency_seconds), ms. */
  eventLatencyMs: { count: number; p50?: number; p99?: number };
  errors: {
    handled: number;
    failed: number;
    published: number;
    publishErrors: number;
    http: number;
    http5xx: number;
  };
  deadLetters: number;
  accounts: { total: number; live: number; degraded: number; down: number };
  reconnects: number;
  /**
   * Broker REST requests the services sent (fillwire_broker_rest_calls_total), summed over every
   * service; `measured` false when no service exposes the counter (an older snapshot).
   */
  restCalls: {
    measured: boolean;
    byOperation: Partial<Record<BrokerRestOperation, number>>;
    /** place/modify/cancel: sent whether updates are pushed or polled. */
    commands: number;
    /** Everything else (order books, histories, trades, positions, logins): what polling would replace. */
    reads: number;
  };
  /** The polling baseline: every account's order book every 2 s over the gateways' uptime. */
  pollingCalls: number;
}

const sum = (samples: Sample[], name: string, where: (l: Record<string, string>) => boolean = () => true) =>
  samples.filter((s) => s.name === name && where(s.labels)).reduce((a, s) => a + s.value, 0);

/**
 * Quantile of a cumulative histogram, interpolated inside the bucket as Prometheus's
 * histogram_quantile does; undefined without observations.
 */
export function histogramQuantile(q: number, buckets: { le: number; count: number }[]): number | undefined {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const total = sorted.at(-1)?.count ?? 0;
  if (total === 0) return undefined;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const b of sorted) {
    if (b.count >= rank) {
      if (b.le === Infinity) return prevLe;
      const inBucket = b.count - prevCount;
      return inBucket === 0 ? b.le : prevLe + ((b.le - prevLe) * (rank - prevCount)) / inBucket;
    }
    prevLe = b.le;
    prevCount = b.count;
  }
  return prevLe;
}

function latency(
  samples: Sample[],
  name: string,
  toMs: number,
): { count: number; p50?: number; p99?: number } {
  const byLe = new Map<number, number>();
  for (const s of samples) {
    if (s.name !== `${name}_bucket`) continue;
    const le = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le);
    byLe.set(le, (byLe.get(le) ?? 0) + s.value);
  }
  const buckets = [...byLe].map(([le, count]) => ({ le, count }));
  const ms = (v: number | undefined) => (v === undefined ? undefined : v * toMs);
  return {
    count: sum(samples, `${name}_count`),
    p50: ms(histogramQuantile(0.5, buckets)),
    p99: ms(histogramQuantile(0.99, buckets)),
  };
}

export interface Scrape {
  url: string;
  samples?: Sample[];
}

/** Figures at `nowS` (epoch seconds) from one scrape of each service; an unreachable one has no samples. */
export function computeFigures(scrapes: Scrape[], nowS: number): Figures {
  const all = scrapes.flatMap((s) => s.samples ?? []);
  const services = scrapes.map(({ url, samples }) => {
    if (!samples) return { url, up: false };
    const start = samples.find((s) => s.name === 'process_start_time_seconds');
    return { url, up: true, service: start?.labels.service, uptimeS: start ? nowS - start.value : undefined };
  });

  const accountStates = new Map<string, string>();
  for (const s of all) {
    if (
      (s.name === 'fillwire_broker_connection_state' || s.name === 'fillwire_gateway_connection_state') &&
      s.value === 1
    )
      accountStates.set(`${s.labels.broker}/${s.labels.account}`, s.labels.state);
  }
  const states = [...accountStates.values()];

  const reconnects = sum(all, 'fillwire_gateway_reconnects_total');
  const restSamples = all.filter((s) => s.name === 'fillwire_broker_rest_calls_total');
  const byOperation: Figures['restCalls']['byOperation'] = {};
  for (const s of restSamples) {
    const operation = (s.labels.operation ?? 'other') as BrokerRestOperation;
    byOperation[operation] = (byOperation[operation] ?? 0) + s.value;
  }
  const commands = restSamples
    .filter((s) => BROKER_ORDER_COMMANDS.has(s.labels.operation as BrokerRestOperation))
    .reduce((a, s) => a + s.value, 0);
  const total = restSamples.reduce((a, s) => a + s.value, 0);
  const gatewayUptimes = services
    .filter((s) => s.service === 'zerodha-postback' || s.service === 'jainam-gateway')
    .map((s) => s.uptimeS ?? 0);
  const uptimeS = gatewayUptimes.length ? Math.min(...gatewayUptimes) : 0;

  return {
    services,
    screenLatencyMs: latency(all, 'fillwire_ws_delivery_latency_seconds', 1000),
    eventLatencyMs: latency(all, 'fillwire_bus_handle_latency_seconds', 1000),
    errors: {
      handled: sum(all, 'fillwire_bus_events_handled_total'),
      failed: sum(all, 'fillwire_bus_events_failed_total'),
      published: sum(all, 'fillwire_bus_published_total'),
      publishErrors: sum(all, 'fillwire_bus_publish_errors_total'),
      http: sum(all, 'fillwire_http_request_duration_seconds_count'),
      http5xx: sum(all, 'fillwire_http_request_duration_seconds_count', (l) => /^5/.test(l.status ?? '')),
    },
    deadLetters: Math.max(
      0,
      ...all.filter((s) => s.name === 'fillwire_bus_dead_letters_entries').map((s) => s.value),
    ),
    accounts: {
      total: states.length,
      live: states.filter((s) => s === 'connected' || s === 'synced').length,
      degraded: states.filter((s) => s === 'degraded' || s === 'connecting').length,
      down: states.filter((s) => s === 'disconnected' || s === 'stood-down').length,
    },
    reconnects,
    restCalls: { measured: restSamples.length > 0, byOperation, commands, reads: total - commands },
    pollingCalls: Math.floor((states.length * uptimeS) / 2),
  };
}
