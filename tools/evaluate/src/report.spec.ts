import type { Figures } from './figures';
import { renderReport } from './report';
import { evaluate } from './verdict';

function figures(restCalls: Figures['restCalls']): Figures {
  return {
    services: [{ url: 'u', up: true, service: 'zerodha-postback', uptimeS: 600 }],
    screenLatencyMs: { count: 0 },
    eventLatencyMs: { count: 0 },
    errors: { handled: 0, failed: 0, published: 0, publishErrors: 0, http: 0, http5xx: 0 },
    deadLetters: 0,
    accounts: { total: 3, live: 3, degraded: 0, down: 0 },
    reconnects: 0,
    restCalls,
    pollingCalls: 900,
  };
}

const render = (f: Figures) => {
  const { checks, decision } = evaluate(f);
  return renderReport(f, checks, decision, { at: new Date('2026-11-22T10:00:00Z'), source: 'test' });
};

describe('renderReport: broker API calls', () => {
  it('compares the measured reads with the polling baseline, order commands left out', () => {
    const report = render(
      figures({
        measured: true,
        byOperation: { orders: 30, login: 3, place: 200 },
        commands: 200,
        reads: 33,
      }),
    );
    expect(report).toContain('(3 accounts) | 900 |');
    expect(report).toContain(
      '| made (measured): reads — order books, histories, trades, positions, logins | 33 |',
    );
    expect(report).toContain('| **saved** | **867 (96.3 %)** |');
    expect(report).toContain('login 3, orders 30, place 200');
    expect(report).toContain('(place/modify/cancel, 200)');
  });

  it('says so when the services do not count their calls', () => {
    const report = render(figures({ measured: false, byOperation: {}, commands: 0, reads: 0 }));
    expect(report).toContain('Not measured');
    expect(report).not.toContain('**saved**');
  });
});
