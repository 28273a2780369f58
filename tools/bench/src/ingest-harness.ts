import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import Redis from 'ioredis';
import { tsExecArgv } from '@fillwire/testing';
import type { BenchContext } from './bench.types';

/*
 * What the two ingest suites (postback, XTS socket) share: child processes, a reader that follows
 * the event log, per-step results with the gateway's CPU per event, and the medians table.
 */

export const REPO_ROOT = resolve(__dirname, '..', '..', '..');
/** p99 above this (or anything lost) means the rate is not sustained: queues are growing. */
export const SUSTAIN_P99_MS = 50;
/** After the last send, every event must be on the log within this, or it counts as lost. */
export const DRAIN_MS = 3000;

/** Wall-clock epoch ms with a sub-ms fraction: comparable between processes on one host. */
export const wallNow = (): number => performance.timeOrigin + performance.now();

export interface Child {
  readonly proc: ChildProcess;
  stop(): Promise<void>;
}

/** `node -r @swc-node/register <entry>` from the repository root (see childExecArgv), stdout ignored. */
export function startChild(entry: string, env: Record<string, string>): Child {
  const proc = spawn(process.execPath, [...tsExecArgv(), entry], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return { proc, stop: () => stopChild(proc) };
}

/** SIGTERM, then SIGKILL after 10 s. */
export function stopChild(proc: ChildProcess): Promise<void> {
  return new Promise<void>((done) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return done();
    const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    proc.once('exit', () => {
      clearTimeout(timer);
      done();
    });
    proc.kill('SIGTERM');
  });
}

export async function waitHttp(url: string, timeoutMs: number, child?: Child): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.proc.exitCode !== null)
      throw new Error(`${url}: the process exited (${child.proc.exitCode})`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await sleep(100);
  }
  throw new Error(`${url} not ready within ${timeoutMs} ms`);
}

/** utime + stime in clock ticks from the text of /proc/<pid>/stat (the command name may hold spaces). */
export function cpuTicksOfProcStat(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  if (!Number.isFinite(ticks)) throw new Error('unexpected /proc/<pid>/stat format');
  return ticks;
}

/** CPU ms a process has used so far (all its threads); undefined where /proc is not there. */
export function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // USER_HZ is 100 on Linux, whatever the kernel's HZ.
    return cpuTicksOfProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8')) * 10;
  } catch {
    return undefined;
  }
}

export const load1m = (): number => Math.round(loadavg()[0] * 100) / 100;

/** Follows `<prefix>:events` from now on and notes when each envelope key first appears (wall clock). */
export class LogWatcher {
  private readonly redis: Redis;
  private seen = new Map<string, number>();
  private stopped = false;
  private loop: Promise<void> = Promise.resolve();

  constructor(
    url: string,
    private readonly stream: string,
  ) {
    this.redis = new Redis(url, { maxRetriesPerRequest: null });
  }

  async start(): Promise<void> {
    const last = (await this.redis.xrevrange(this.stream, '+', '-', 'COUNT', 1)) as [string, string[]][];
    let cursor = last[0]?.[0] ?? '0-0';
    this.loop = (async () => {
      while (!this.stopped) {
        const reply = (await this.redis.call(
          'XREAD',
          'COUNT',
          2000,
          'BLOCK',
          100,
          'STREAMS',
          this.stream,
          cursor,
        )) as [string, [string, string[]][]][] | null;
        const at = wallNow();
        for (const [id, fields] of reply?.[0]?.[1] ?? []) {
          cursor = id;
          const key = envelopeKey(fields[fields.indexOf('envelope') + 1] ?? '');
          if (key !== undefined && !this.seen.has(key)) this.seen.set(key, at);
        }
      }
    })();
  }

  /** Forget what was seen (between steps). */
  reset(): void {
    this.seen = new Map();
  }

  seenAt(key: string): number | undefined {
    return this.seen.get(key);
  }

  /** Waits until every key is on the log, or `timeoutMs`; returns how many are still missing. */
  async drain(keys: readonly string[], timeoutMs = DRAIN_MS): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    let missing = keys.filter((k) => !this.seen.has(k));
    while (missing.length > 0 && Date.now() < deadline) {
      await sleep(20);
      missing = missing.filter((k) => !this.seen.has(k));
    }
    return missing.length;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    this.redis.disconnect();
  }
}

/** The envelope's `key` without parsing the whole JSON (the reader must not be the bottleneck). */
export function envelopeKey(json: string): string | undefined {
  return /"key":"([^"]+)"/.exec(json)?.[1];
}

export interface StepResult {
  contender: string;
  rate: number;
  achievedRate: number;
  sent: number;
  /** Sends the system refused (non-200, emit reaching no socket). */
  failed: number;
  /** Why, per reason (e.g. `HTTP 503`, `socket hang up`). */
  failures?: Record<string, number>;
  /** Accepted but not on the log after the drain. */
  missing: number;
  p50: number;
  p99: number;
  max: number;
  /** The gateway's CPU (all threads) over the step, per event sent; undefined for references. */
  cpuUsPerEvent?: number;
  load1m: number;
}

/** Latencies of the keys that made it to the log, given when each was sent (wall clock). */
export function latenciesOf(
  sent: ReadonlyMap<string, number>,
  seenAt: (key: string) => number | undefined,
): number[] {
  const out: number[] = [];
  for (const [key, at] of sent) {
    const seen = seenAt(key);
    if (seen !== undefined) out.push(seen - at);
  }
  return out;
}

/** `0`, or how many were lost and how: refused (with the reasons) or accepted but not on the log. */
export function describeLoss(r: Pick<StepResult, 'failed' | 'missing' | 'failures'>): string {
  if (r.failed + r.missing === 0) return '0';
  const reasons = Object.entries(r.failures ?? {})
    .map(([why, n]) => `${n}× ${why}`)
    .join(', ');
  return `${r.failed + r.missing} (refused ${r.failed}${reasons ? `: ${reasons}` : ''}; accepted, not on the log ${r.missing})`;
}

export const sustained = (r: StepResult): boolean =>
  r.failed === 0 && r.missing === 0 && r.p99 <= SUSTAIN_P99_MS && r.achievedRate >= r.rate * 0.95;

/**
 * Climbs `ladder` (rates above those measured already) until a step is not sustained; returns the
 * highest sustained rate, starting from `known` (the best of the fixed-rate steps).
 */
export async function climb(
  ladder: readonly number[],
  known: number,
  measure: (rate: number) => Promise<StepResult>,
): Promise<{ highest: number; steps: StepResult[] }> {
  let highest = known;
  const steps: StepResult[] = [];
  for (const rate of ladder) {
    if (rate <= highest) continue;
    const r = await measure(rate);
    steps.push(r);
    if (!sustained(r)) break;
    highest = rate;
  }
  return { highest, steps };
}

/** climb, logging each ladder step of run `run` and collecting garbage between steps (the ingest suites). */
export function climbLogged(
  ctx: Pick<BenchContext, 'log' | 'gc'>,
  run: number,
  ladder: readonly number[],
  known: number,
  measure: (rate: number) => Promise<StepResult>,
): Promise<{ highest: number; steps: StepResult[] }> {
  return climb(ladder, known, async (rate) => {
    const r = await measure(rate);
    ctx.log.info(
      `run ${run} ladder ${rate}/s: p99 ${r.p99.toFixed(2)} ms, achieved ${r.achievedRate}/s, lost ${describeLoss(r)}, CPU ${Math.round(r.cpuUsPerEvent ?? Number.NaN)} µs/event`,
    );
    ctx.gc();
    return r;
  });
}

/** One row per contender and rate: the median over runs of each figure. */
export function medianRows(
  ctx: Pick<BenchContext, 'median'>,
  results: readonly StepResult[],
  contenders: readonly string[],
  rates: readonly number[],
): Record<string, string | number>[] {
  return contenders.flatMap((contender) =>
    rates.map((rate) => {
      const rs = results.filter((r) => r.contender === contender && r.rate === rate);
      const med = (pick: (r: StepResult) => number | undefined): number => {
        const values = rs.map(pick).filter((v): v is number => v !== undefined && Number.isFinite(v));
        return ctx.median(values);
      };
      const cpu = med((r) => r.cpuUsPerEvent);
      return {
        contender,
        'rate/s': rate,
        'achieved/s': Math.round(med((r) => r.achievedRate)),
        'p50 ms': Number(med((r) => r.p50).toFixed(3)),
        'p99 ms': Number(med((r) => r.p99).toFixed(3)),
        'max ms': Number(med((r) => r.max).toFixed(2)),
        lost: rs.reduce((n, r) => n + r.failed + r.missing, 0),
        'CPU µs/event': Number.isNaN(cpu) ? '-' : Math.round(cpu),
        'load 1m': Number(med((r) => r.load1m).toFixed(1)),
      };
    }),
  );
}

/** Warns that latencies measure the scheduler more than the code when the machine is busy. */
export function warnIfBusy(ctx: Pick<BenchContext, 'log'>, cores: number): number {
  const load = load1m();
  if (load > cores) {
    ctx.log.warn(
      `machine busy (load ${load} on ${cores} cores): absolute latencies are indicative only; compare with the reference rows and the CPU per event`,
    );
  }
  return load;
}
