import type { PaceOptions, PaceReport } from './pacer';
import type { Summary } from './stats';
import type { TableRow } from './table';

export interface BenchLogger {
  info(message: string): void;
  warn(message: string): void;
}

export interface WrittenResult {
  /** bench/results/<suite>-<timestamp>.json */
  file: string;
  /** bench/results/<suite>-latest.json */
  latest: string;
}

/** What every suite gets from the harness. */
export interface BenchContext {
  /** Runs per measurement; suites report the median. BENCH_RUNS or --runs=N, default 3. */
  readonly runs: number;
  /** BENCH_QUICK=1 or --quick: tiny sizes, a smoke test for CI. */
  readonly quick: boolean;
  readonly log: BenchLogger;
  percentile(samples: ArrayLike<number>, p: number): number;
  median(values: readonly number[]): number;
  summarize(samples: ArrayLike<number>): Summary;
  /** Open-loop load: `rate` sends per second for `durationMs`, on an absolute schedule (no drift). */
  pace(options: PaceOptions): Promise<PaceReport>;
  printTable(rows: readonly TableRow[], columns?: readonly string[]): void;
  /** Writes the suite's JSON (with run metadata added) to bench/results/. */
  writeResult(suite: string, json: object): Promise<WrittenResult>;
  /** Collects garbage between runs so one run's garbage is not the next one's pause. */
  gc(): void;
}

/** A suite is a file `suites/<name>.bench.ts` whose default export is one of these. */
export interface BenchSuite {
  readonly name: string;
  readonly description: string;
  run(ctx: BenchContext): Promise<void>;
}

/** Identity, for type checking a suite's default export. */
export function defineSuite(suite: BenchSuite): BenchSuite {
  return suite;
}
