import {
  climb,
  cpuTicksOfProcStat,
  describeLoss,
  envelopeKey,
  latenciesOf,
  medianRows,
  processCpuMs,
  sustained,
  type StepResult,
} from './ingest-harness';
import { median } from './stats';

const step = (rate: number, over: Partial<StepResult> = {}): StepResult => ({
  contender: 'gw',
  rate,
  achievedRate: rate,
  sent: rate,
  failed: 0,
  missing: 0,
  p50: 1,
  p99: 2,
  max: 3,
  cpuUsPerEvent: 300,
  load1m: 1,
  ...over,
});

describe('ingest harness', () => {
  it('says how a step lost events: refused, with the reasons, or accepted and not on the log', () => {
    expect(describeLoss(step(500))).toBe('0');
    expect(
      describeLoss(step(2000, { failed: 3, failures: { 'socket hang up': 2, 'HTTP 503': 1 }, missing: 1 })),
    ).toBe('4 (refused 3: 2× socket hang up, 1× HTTP 503; accepted, not on the log 1)');
  });

  it('reads utime + stime from /proc/<pid>/stat, even when the command name has spaces and parens', () => {
    const stat = '4242 (node (x) y) S 1 4242 4242 0 -1 4194560 9 0 0 0 150 25 0 0 20 0 11 0 1 2 3';
    expect(cpuTicksOfProcStat(stat)).toBe(175);
    expect(() => cpuTicksOfProcStat('garbage')).toThrow(/format/);
  });

  it('measures this process CPU where /proc exists', () => {
    const cpu = processCpuMs(process.pid);
    if (process.platform === 'linux') expect(cpu).toBeGreaterThan(0);
    else expect(cpu).toBeUndefined();
    expect(processCpuMs(undefined)).toBeUndefined();
  });

  it('finds the envelope key without parsing the envelope', () => {
    expect(envelopeKey('{"id":"x","key":"1100","data":{"key":"inner"}}')).toBe('1100');
    expect(envelopeKey('{"id":"x"}')).toBeUndefined();
  });

  it('measures latency only for keys that reached the log', () => {
    const sent = new Map([
      ['a', 10],
      ['b', 20],
    ]);
    expect(latenciesOf(sent, (k) => (k === 'a' ? 12.5 : undefined))).toEqual([2.5]);
  });

  it('calls a rate sustained only with nothing lost, p99 in bounds and the rate achieved', () => {
    expect(sustained(step(2000))).toBe(true);
    expect(sustained(step(2000, { missing: 1 }))).toBe(false);
    expect(sustained(step(2000, { failed: 1 }))).toBe(false);
    expect(sustained(step(2000, { p99: 51 }))).toBe(false);
    expect(sustained(step(2000, { achievedRate: 1800 }))).toBe(false);
  });

  it('climbs the ladder above what is known until a rate is not sustained', async () => {
    const measured: number[] = [];
    const result = await climb([2000, 3000, 4000, 5000], 2000, (rate) => {
      measured.push(rate);
      return Promise.resolve(step(rate, rate >= 4000 ? { p99: 400 } : {}));
    });
    expect(measured).toEqual([3000, 4000]);
    expect(result.highest).toBe(3000);
  });

  it('reports the median of each figure per contender and rate, and all losses', () => {
    const rows = medianRows(
      { median },
      [step(500, { p99: 1 }), step(500, { p99: 5, missing: 2 }), step(500, { p99: 3 })],
      ['gw'],
      [500],
    );
    expect(rows).toEqual([
      expect.objectContaining({ contender: 'gw', 'rate/s': 500, 'p99 ms': 3, lost: 2, 'CPU µs/event': 300 }),
    ]);
    expect(
      medianRows({ median }, [step(500, { cpuUsPerEvent: undefined })], ['gw'], [500])[0]['CPU µs/event'],
    ).toBe('-');
  });
});
