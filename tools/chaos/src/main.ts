import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatChaosTable, formatFindings, writeChaosReport } from './chaos-report';
import { FULL_RUN, runChaos, SHORT_RUN } from './chaos-run';

// `npm run test:chaos [-- --short]`: exit 0 only when nothing was lost, duplicated or mismatched.
async function main(): Promise<number> {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { short: { type: 'boolean' } } });
  const started = Date.now();
  const log = (line: string): void =>
    console.log(`[chaos +${((Date.now() - started) / 1000).toFixed(1)}s] ${line}`);
  const preset = values.short ? SHORT_RUN : FULL_RUN;
  const serviceLogLevel = process.env.CHAOS_LOG_LEVEL ?? preset.serviceLogLevel;
  const logDir = process.env.CHAOS_LOG_DIR;
  const report = await runChaos({ ...preset, serviceLogLevel, ...(logDir ? { logDir } : {}), log });
  console.log(`\n${formatChaosTable(report)}`);
  const findings = formatFindings(report);
  if (findings) console.log(`\n${findings}`);
  const dir = process.env.BENCH_RESULTS_DIR ?? resolve(__dirname, '../../../bench/results');
  console.log(`\nreport: ${await writeChaosReport(dir, report)}`);
  return report.ok ? 0 : 1;
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error);
    process.exitCode = 2;
  },
);
