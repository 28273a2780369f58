import fc from 'fast-check';
import { median, percentile, summarize } from './stats';

describe('bench stats', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted on purpose

  it('computes nearest-rank percentiles', () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 95)).toBe(95);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile(hundred, 0)).toBe(1);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([3, 1, 2, 10], 75)).toBe(3);
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });

  it('sorts numerically, not as strings', () => {
    expect(percentile([9, 10, 100, 2], 100)).toBe(100);
    expect(median([9, 10, 100, 2])).toBe(9.5);
  });

  it('takes the middle, or the mean of the two middles', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('summarizes samples without changing them', () => {
    const samples = new Float64Array([4, 2, 8, 6]);
    expect(summarize(samples)).toEqual({ count: 4, min: 2, mean: 5, p50: 4, p95: 8, p99: 8, max: 8 });
    expect(Array.from(samples)).toEqual([4, 2, 8, 6]);
    expect(summarize([]).count).toBe(0);
  });

  it('keeps min ≤ p50 ≤ p95 ≤ p99 ≤ max, all drawn from the samples', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 1 }),
        (values) => {
          const s = summarize(values);
          expect(s.min).toBeLessThanOrEqual(s.p50);
          expect(s.p50).toBeLessThanOrEqual(s.p95);
          expect(s.p95).toBeLessThanOrEqual(s.p99);
          expect(s.p99).toBeLessThanOrEqual(s.max);
          for (const value of [s.p50, s.p95, s.p99]) expect(values).toContain(value);
        },
      ),
    );
  });
});
