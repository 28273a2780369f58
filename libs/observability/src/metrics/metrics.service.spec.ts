import { Counter } from 'prom-client';
import { MetricsService } from './metrics.service';

describe('MetricsService', () => {
  it('keeps its own registry with default metrics labelled by service', async () => {
    const a = new MetricsService('order-api');
    const b = new MetricsService('notifier');
    expect(a.registry).not.toBe(b.registry);
    const text = await a.render();
    expect(text).toContain('process_cpu_user_seconds_total{service="order-api"}');
    expect(a.contentType).toMatch(/^text\/plain/);
  });

  it('prefixes our metric names and returns the same metric when asked twice', async () => {
    const metrics = new MetricsService('s');
    const first = metrics.counter({
      name: 'orders_placed_total',
      help: 'orders placed',
      labelNames: ['broker'],
    });
    const second = metrics.counter({
      name: 'fillwire_orders_placed_total',
      help: 'orders placed',
      labelNames: ['broker'],
    });
    expect(second).toBe(first);
    expect(first).toBeInstanceOf(Counter);
    first.inc({ broker: 'zerodha' }, 2);
    expect(await metrics.render()).toContain('fillwire_orders_placed_total{broker="zerodha",service="s"} 2');
  });

  it('refuses one name for two kinds of metric', () => {
    const metrics = new MetricsService('s');
    metrics.gauge({ name: 'queue_depth', help: 'depth' });
    expect(() => metrics.counter({ name: 'queue_depth', help: 'depth' })).toThrow(
      /fillwire_queue_depth already exists/,
    );
  });

  it('makes histograms and summaries', async () => {
    const metrics = new MetricsService('s');
    metrics.histogram({ name: 'latency_seconds', help: 'h', buckets: [0.1, 1] }).observe(0.05);
    metrics.summary({ name: 'size_bytes', help: 's' }).observe(10);
    const text = await metrics.render();
    expect(text).toContain('fillwire_latency_seconds_bucket{le="0.1",service="s"} 1');
    expect(text).toContain('fillwire_size_bytes_count{service="s"} 1');
  });
});
