import type { Figures } from './figures';

export type Grade = 'pass' | 'marginal' | 'fail' | 'no-data';
export type Decision = 'expand' | 'refine' | 'roll back';

export interface Check {
  name: string;
  grade: Grade;
  detail: string;
}

/** The seed's targets: updates < 100 ms (hard ceiling 500 ms), errors < 0.1 %, 99.9 % stable. */
export const TARGETS = {
  latencyMs: 100,
  latencyCeilingMs: 500,
  errorRate: 0.001,
  errorRateCeiling: 0.01,
} as const;

const pct = (r: number) => `${(r * 100).toFixed(3)} %`;
const ms = (v: number) => `${v.toFixed(1)} ms`;

export function latencyCheck(f: Figures): Check {
  const p99s = [f.screenLatencyMs.p99, f.eventLatencyMs.p99].filter((v): v is number => v !== undefined);
  if (!p99s.length) return { name: 'latency', grade: 'no-data', detail: 'no events observed yet' };
  const worst = Math.max(...p99s);
  const grade: Grade =
    worst < TARGETS.latencyMs ? 'pass' : worst < TARGETS.latencyCeilingMs ? 'marginal' : 'fail';
  return {
    name: 'latency',
    grade,
    detail: `worst p99 ${ms(worst)} (target < ${TARGETS.latencyMs} ms, ceiling < ${TARGETS.latencyCeilingMs} ms)`,
  };
}

export function errorRate(f: Figures): number {
  const e = f.errors;
  const rate = (bad: number, good: number) => (bad + good > 0 ? bad / (bad + good) : 0);
  return Math.max(
    rate(e.failed, e.handled),
    rate(e.publishErrors, e.published),
    rate(e.http5xx, e.http - e.http5xx),
  );
}

export function errorCheck(f: Figures): Check {
  const e = f.errors;
  if (e.handled + e.failed + e.published + e.publishErrors + e.http === 0)
    return { name: 'error rate', grade: 'no-data', detail: 'no traffic observed' };
  const r = errorRate(f);
  const grade: Grade = r < TARGETS.errorRate ? 'pass' : r < TARGETS.errorRateCeiling ? 'marginal' : 'fail';
  return {
    name: 'error rate',
    grade,
    detail: `${pct(r)} worst of handler, publish and HTTP 5xx (target < 0.1 %)`,
  };
}

export function stabilityCheck(f: Figures): Check {
  const down = f.services.filter((s) => !s.up).map((s) => s.url);
  if (down.length) return { name: 'stability', grade: 'fail', detail: `unreachable: ${down.join(', ')}` };
  if (f.accounts.down > 0)
    return {
      name: 'stability',
      grade: 'fail',
      detail: `${f.accounts.down} broker account(s) disconnected or stood down`,
    };
  const notes: string[] = [];
  if (f.accounts.degraded > 0) notes.push(`${f.accounts.degraded} account(s) degraded (polling)`);
  if (f.deadLetters > 0) notes.push(`${f.deadLetters} dead letter(s)`);
  if (notes.length) return { name: 'stability', grade: 'marginal', detail: notes.join('; ') };
  return {
    name: 'stability',
    grade: 'pass',
    detail: `${f.services.length} services up, ${f.accounts.live}/${f.accounts.total} accounts live, no dead letters`,
  };
}

/** The framework: roll back when errors or stability fail; expand when every target is met; else refine. */
export function decide(checks: Check[]): Decision {
  const by = (name: string) => checks.find((c) => c.name === name)?.grade;
  if (by('error rate') === 'fail' || by('stability') === 'fail') return 'roll back';
  if (checks.every((c) => c.grade === 'pass')) return 'expand';
  return 'refine';
}

export function evaluate(f: Figures): { checks: Check[]; decision: Decision } {
  const checks = [latencyCheck(f), errorCheck(f), stabilityCheck(f)];
  return { checks, decision: decide(checks) };
}
