import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { BenchContext, BenchLogger } from './bench.types';
import { pace } from './pacer';
import { resultsDir, writeResult } from './results';
import { median, percentile, summarize } from './stats';
import { formatTable } from './table';

export interface ContextOptions {
  runs: number;
  quick: boolean;
  resultsDir?: string;
}

export function consoleLogger(prefix: string): BenchLogger {
  return {
    info: (message) => console.log(`[${prefix}] ${message}`),
    warn: (message) => console.warn(`[${prefix}] warning: ${message}`),
  };
}

/** A full collection between runs; without --expose-gc we enable it at runtime. */
function resolveGc(): () => void {
  const exposed = (globalThis as { gc?: unknown }).gc;
  if (typeof exposed === 'function') return exposed as () => void;
  setFlagsFromString('--expose-gc');
  const gc: unknown = runInNewContext('gc');
  return typeof gc === 'function' ? (gc as () => void) : () => undefined;
}

export function createContext(suite: string, options: ContextOptions): BenchContext {
  const gc = resolveGc();
  const dir = options.resultsDir ?? resultsDir();
  return {
    runs: options.runs,
    quick: options.quick,
    log: consoleLogger(suite),
    percentile,
    median,
    summarize,
    pace,
    printTable: (rows, columns) => console.log(formatTable(rows, columns)),
    writeResult: (name, json) => writeResult(dir, name, json, { quick: options.quick, runs: options.runs }),
    gc,
  };
}
