import { computeFigures, histogramQuantile, type Figures } from './figures';
import { parsePromText } from './prom-text';
import { decide, evaluate, type Check } from './verdict';

const check = (name: string, grade: Check['grade']): Check => ({ name, grade, detail: '' });

function figures(over: Partial<Figures> = {}): Figures {
  return {
    services: [{ url: 'u', up: true, service: 'notifier', uptimeS: 100 }],
    screenLatencyMs: { count: 100, p50: 5, p99: 40 },
    eventLatencyMs: { count: 100, p50: 2, p99: 20 },
    errors: { handled: 10_000, failed: 0, published: 10_000, publishErrors: 0, http: 100, http5xx: 0 },
    deadLetters: 0,
    accounts: { total: 2, live: 2, degraded: 0, down: 0 },
    reconnects: 0,
    restCalls: { measured: true, byOperation: { orders: 4, place: 2 }, commands: 2, reads: 4 },
    pollingCalls: 100,
    ...over,
  };
}

describe('decide', () => {
  it('expands only when every check passes, rolls back on failed errors or stability, refines otherwise', () => {
    const pass = ['latency', 'error rate', 'stability'].map((n) => check(n, 'pass'));
    expect(decide(pass)).toBe('expand');
    expect(
      decide([check('latency', 'marginal'), check('error rate', 'pass'), check('stability', 'pass')]),
    ).toBe('refine');
    expect(decide([check('latency', 'fail'), check('error rate', 'pass'), check('stability', 'pass')])).toBe(
      'refine',
    );
    expect(
      decide([check('latency', 'no-data'), check('error rate', 'pass'), check('stability', 'pass')]),
    ).toBe('refine');
    expect(
      decide([check('latency', 'pass'), check('error rate', 'marginal'), check('stability', 'pass')]),
    ).toBe('refine');
    expect(decide([check('latency', 'pass'), check('error rate', 'fail'), check('stability', 'pass')])).toBe(
      'roll back',
    );
    expect(decide([check('latency', 'pass'), check('error rate', 'pass'), check('stability', 'fail')])).toBe(
      'roll back',
    );
  });
});

describe('evaluate', () => {
  const grades = (f: Figures) => Object.fromEntries(evaluate(f).checks.map((c) => [c.name, c.grade]));

  it('grades latency against 100 ms (target) and 500 ms (ceiling) on the worst p99', () => {
    expect(grades(figures()).latency).toBe('pass');
    expect(grades(figures({ screenLatencyMs: { count: 1, p99: 99.9 } })).latency).toBe('pass');
    expect(grades(figures({ eventLatencyMs: { count: 1, p99: 100 } })).latency).toBe('marginal');
    expect(grades(figures({ screenLatencyMs: { count: 1, p99: 500 } })).latency).toBe('fail');
    expect(grades(figures({ screenLatencyMs: { count: 0 }, eventLatencyMs: { count: 0 } })).latency).toBe(
      'no-data',
    );
  });

  it('grades the error rate against 0.1 % and 1 %, worst of handlers, publishes and HTTP', () => {
    const errors = (e: Partial<Figures['errors']>) => figures({ errors: { ...figures().errors, ...e } });
    expect(grades(errors({ failed: 9 }))['error rate']).toBe('pass');
    expect(grades(errors({ failed: 11 }))['error rate']).toBe('marginal');
    expect(grades(errors({ publishErrors: 102 }))['error rate']).toBe('fail');
    expect(grades(errors({ http: 100, http5xx: 2 }))['error rate']).toBe('fail');
    expect(evaluate(errors({ http: 100, http5xx: 2 })).decision).toBe('roll back');
  });

  it('fails stability on an unreachable service or a down account, marginal on degraded or dead letters', () => {
    expect(grades(figures({ services: [{ url: 'http://x/metrics', up: false }] })).stability).toBe('fail');
    expect(grades(figures({ accounts: { total: 2, live: 1, degraded: 0, down: 1 } })).stability).toBe('fail');
    expect(grades(figures({ accounts: { total: 2, live: 1, degraded: 1, down: 0 } })).stability).toBe(
      'marginal',
    );
    expect(grades(figures({ deadLetters: 3 })).stability).toBe('marginal');
    expect(evaluate(figures()).decision).toBe('expand');
  });
});

describe('histogramQuantile', () => {
  it('interpolates inside the bucket like Prometheus', () => {
    const b = [
      { le: 0.01, count: 50 },
      { le: 0.1, count: 100 },
      { le: Infinity, count: 100 },
    ];
    expect(histogramQuantile(0.5, b)).toBeCloseTo(0.01);
    expect(histogramQuantile(0.75, b)).toBeCloseTo(0.055);
    expect(
      histogramQuantile(0.99, [
        { le: 0.1, count: 1 },
        { le: Infinity, count: 100 },
      ]),
    ).toBe(0.1);
    expect(histogramQuantile(0.99, [{ le: Infinity, count: 0 }])).toBeUndefined();
  });
});

describe('computeFigures', () => {
  it('reads latency, errors, accounts and API calls from the services metrics', () => {
    const notifier = parsePromText(`
process_start_time_seconds{service="notifier"} 1000
fillwire_ws_delivery_latency_seconds_bucket{le="0.01",service="notifier"} 90
fillwire_ws_delivery_latency_seconds_bucket{le="0.1",service="notifier"} 100
fillwire_ws_delivery_latency_seconds_bucket{le="+Inf",service="notifier"} 100
fillwire_ws_delivery_latency_seconds_count{service="notifier"} 100
fillwire_bus_events_handled_total{group="notifier-sinks",service="notifier"} 998
fillwire_bus_events_failed_total{group="notifier-sinks",service="notifier"} 2
fillwire_bus_dead_letters_entries{service="notifier"} 1
`);
    const gateway = parsePromText(`
process_start_time_seconds{service="zerodha-postback"} 1100
fillwire_broker_connection_state{broker="zerodha",account="AB1234",state="synced",service="zerodha-postback"} 1
fillwire_broker_connection_state{broker="zerodha",account="AB1234",state="degraded",service="zerodha-postback"} 0
fillwire_broker_connection_state{broker="zerodha",account="CD5678",state="degraded",service="zerodha-postback"} 1
fillwire_http_request_duration_seconds_count{service="zerodha-postback",method="POST",route="/zerodha/postback",status="500"} 1
fillwire_http_request_duration_seconds_count{service="zerodha-postback",method="POST",route="/zerodha/postback",status="200"} 99
fillwire_reconciliation_cycles_total{broker="zerodha",outcome="done",service="portfolio-manager"} 5
fillwire_reconciliation_cycles_total{broker="zerodha",outcome="failed",service="portfolio-manager"} 7
fillwire_broker_rest_calls_total{broker="zerodha",operation="login",service="zerodha-postback"} 2
fillwire_broker_rest_calls_total{broker="zerodha",operation="orders",service="zerodha-postback"} 6
fillwire_broker_rest_calls_total{broker="zerodha",operation="order_history",service="zerodha-postback"} 3
`);
    const orderApi = parsePromText(`
fillwire_broker_rest_calls_total{broker="zerodha",operation="login",service="order-api"} 1
fillwire_broker_rest_calls_total{broker="zerodha",operation="place",service="order-api"} 40
fillwire_broker_rest_calls_total{broker="jainam",operation="cancel",service="order-api"} 5
fillwire_broker_rest_calls_total{broker="jainam",operation="order_history",service="order-api"} 5
`);
    const f = computeFigures(
      [
        { url: 'n', samples: notifier },
        { url: 'z', samples: gateway },
        { url: 'o', samples: orderApi },
        { url: 'dead' },
      ],
      1200,
    );
    expect(f.services).toEqual([
      { url: 'n', up: true, service: 'notifier', uptimeS: 200 },
      { url: 'z', up: true, service: 'zerodha-postback', uptimeS: 100 },
      { url: 'o', up: true, service: undefined, uptimeS: undefined },
      { url: 'dead', up: false },
    ]);
    expect(f.screenLatencyMs.count).toBe(100);
    expect(f.screenLatencyMs.p50).toBeCloseTo(5.556, 2);
    expect(f.screenLatencyMs.p99).toBeCloseTo(91, 0);
    expect(f.errors).toMatchObject({ handled: 998, failed: 2, http: 100, http5xx: 1 });
    expect(f.deadLetters).toBe(1);
    expect(f.accounts).toEqual({ total: 2, live: 1, degraded: 1, down: 0 });
    // Summed over services; order commands apart from the reads polling would replace.
    expect(f.restCalls).toEqual({
      measured: true,
      byOperation: { login: 3, orders: 6, order_history: 8, place: 40, cancel: 5 },
      commands: 45,
      reads: 17,
    });
    expect(f.pollingCalls).toBe(100); // 2 accounts × 100 s / 2 s
    expect(evaluate(f).decision).toBe('roll back');
  });
});
