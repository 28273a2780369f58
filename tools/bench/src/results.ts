import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import type { WrittenResult } from './bench.types';

/** bench/results at the repository root, or BENCH_RESULTS_DIR. */
export function resultsDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.BENCH_RESULTS_DIR ?? resolve(__dirname, '../../../bench/results');
}

export interface RunMeta {
  quick: boolean;
  runs: number;
}

/** Writes `<suite>-<timestamp>.json` and overwrites `<suite>-latest.json`, both with the machine's description. */
export async function writeResult(
  dir: string,
  suite: string,
  json: object,
  meta: RunMeta,
  date = new Date(),
): Promise<WrittenResult> {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(suite)) throw new Error(`suite name must be kebab-case, got "${suite}"`);
  const stamp = date.toISOString().replace(/[:.]/g, '-');
  const body = {
    suite,
    at: date.toISOString(),
    ...meta,
    machine: {
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryGb: Math.round(totalmem() / 2 ** 30),
      loadAverage: loadavg().map((load) => Math.round(load * 100) / 100),
    },
    ...json,
  };
  await mkdir(dir, { recursive: true });
  const text = `${JSON.stringify(body, null, 2)}\n`;
  const file = join(dir, `${suite}-${stamp}.json`);
  const latest = join(dir, `${suite}-latest.json`);
  await writeFile(file, text);
  await writeFile(latest, text);
  return { file, latest };
}
