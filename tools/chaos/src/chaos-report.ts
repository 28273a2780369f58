import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import type { ChaosReport } from './chaos-run';

const sum = (r: Record<string, readonly unknown[]>): number =>
  Object.values(r).reduce((n, list) => n + list.length, 0);

/** The table: faults injected, events, lost, duplicated, final mismatches, each with its parts. */
export function formatChaosTable(report: ChaosReport): string {
  const { totals, lost, duplicated, mismatches, load, sim, events } = report;
  const pushes = Object.entries(report.brokerFaults)
    .map(([channel, v]) => {
      const stats = (v as { stats?: { duplicated?: number; reordered?: number } }).stats ?? {};
      return `${channel} ${stats.duplicated ?? 0} dup/${stats.reordered ?? 0} reord`;
    })
    .join(', ');
  const rows: Array<[string, number, string]> = [
    ['faults injected', totals.faults, report.faults.map((f) => f.fault).join('; ')],
    [
      'simulator orders',
      sim.orders,
      `${sim.partiallyFilled} filled in parts, ${sim.trades} trades; pushes: ${pushes}`,
    ],
    [
      'orders placed',
      load.placed,
      `${load.retries} retries with the same key, ${load.recovered} recovered by tag, ${load.refused} refused`,
    ],
    [
      'events',
      totals.events,
      `in the event log; ${events.wsFrames} frames to ${report.watchers.length} screens`,
    ],
    [
      'lost',
      totals.lost,
      `log gaps ${lost.logGaps.length}, dead letters ${lost.deadLetters}, unacked ${lost.unacked}, screens missed ${sum(lost.ws)}`,
    ],
    [
      'duplicated',
      totals.duplicated,
      `log ids ${duplicated.logIds.length}, placements ${duplicated.placements.length}, screens ${sum(duplicated.ws)}`,
    ],
    [
      'final mismatches',
      totals.mismatches,
      `orders ${mismatches.orders.length}, positions ${mismatches.positions.length}, foreign frames ${sum(mismatches.wsForeign)}`,
    ],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  const numbers = Math.max(...rows.map(([, n]) => String(n).length));
  const lines = rows.map(
    ([name, n, detail]) => `${name.padEnd(width)}  ${String(n).padStart(numbers)}  ${detail}`,
  );
  const verdict = report.ok ? 'PASS' : 'FAIL';
  return [
    ...lines,
    `${verdict} in ${(report.durationMs / 1000).toFixed(1)} s${report.quiet ? '' : ' (did not settle)'}`,
  ].join('\n');
}

/** The first few findings of each kind, so a failed run says what went wrong without the JSON. */
export function formatFindings(report: ChaosReport, limit = 5): string {
  const lines: string[] = [];
  const show = (title: string, items: readonly unknown[]): void => {
    if (items.length === 0) return;
    lines.push(`${title} (${items.length}):`);
    for (const item of items.slice(0, limit)) lines.push(`  ${JSON.stringify(item)}`);
  };
  show('log gaps', report.lost.logGaps);
  for (const [who, ids] of Object.entries(report.lost.ws)) show(`frames ${who} missed`, ids);
  show('log ids twice', report.duplicated.logIds);
  show('idempotency keys placed twice (tags)', report.duplicated.placements);
  for (const [who, ids] of Object.entries(report.duplicated.ws)) show(`events ${who} got twice`, ids);
  show('order mismatches', report.mismatches.orders);
  show('position mismatches', report.mismatches.positions);
  for (const [who, ids] of Object.entries(report.mismatches.wsForeign))
    show(`frames ${who} should not have got`, ids);
  return lines.join('\n');
}

/** Writes `chaos-latest.json` with the machine's load next to the report; returns its path. */
export async function writeChaosReport(dir: string, report: ChaosReport, date = new Date()): Promise<string> {
  const body = {
    suite: 'chaos',
    at: date.toISOString(),
    machine: {
      node: process.version,
      cpus: cpus().length,
      loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
    },
    ...report,
  };
  await mkdir(dir, { recursive: true });
  const latest = join(dir, 'chaos-latest.json');
  await writeFile(latest, `${JSON.stringify(body, null, 2)}\n`);
  return latest;
}
