import { formatChaosTable, formatFindings } from './chaos-report';
import { runChaos, SHORT_RUN } from './chaos-run';

jest.setTimeout(300_000);

/**
 * The CI version of `npm run test:chaos`: every fault once under a steady load with duplicated and
 * reordered broker pushes; nothing may be lost, duplicated or end up different from the simulator.
 */
describe('chaos (short)', () => {
  it('kill -9 of every service, a Redis restart and cut broker sockets lose, duplicate and corrupt nothing', async () => {
    const lines: string[] = [];
    const report = await runChaos({ ...SHORT_RUN, log: (line) => lines.push(line) });

    expect(report.faults.map((f) => f.fault)).toEqual([
      'kill -9 order-api',
      'kill -9 notifier',
      'kill -9 zerodha-postback',
      'kill -9 jainam-gateway',
      'kill -9 portfolio-manager',
      'restart Redis (kill -9, AOF)',
      'cut broker sockets (Kite ticker, XTS socket)',
    ]);
    // The faults hit a system under load: orders on all three accounts, some filled in parts,
    // broker pushes duplicated, and retries that crossed the order-api restart.
    expect(Object.keys(report.sim.byAccount).sort()).toEqual(['AB1234', 'CD5678', 'JN0001']);
    expect(report.sim.orders).toBeGreaterThanOrEqual(30);
    expect(report.sim.partiallyFilled).toBeGreaterThan(0);
    expect(report.load.retries).toBeGreaterThan(0);
    expect(report.watchers.every((w) => w.connections >= 2)).toBe(true);
    // On failure the diff shows the table and the first findings.
    expect({ totals: report.totals, quiet: report.quiet, findings: formatFindings(report) }).toEqual({
      totals: { ...report.totals, lost: 0, duplicated: 0, mismatches: 0 },
      quiet: true,
      findings: '',
    });
    expect(report.ok).toBe(true);
    console.log(`${lines.join('\n')}\n\n${formatChaosTable(report)}`);
  });
});
