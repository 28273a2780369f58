import { assertQueueName, jobId } from './job-names';

describe('job naming', () => {
  it('accepts kebab-case queue names only', () => {
    expect(assertQueueName('broker-orders')).toBe('broker-orders');
    for (const bad of ['Broker', 'broker:orders', 'broker_orders', '-x', 'x-', '']) {
      expect(() => assertQueueName(bad)).toThrow(/queue name/);
    }
  });

  it('builds job ids from business keys, never with ":" and never all digits', () => {
    expect(jobId('place-order', 'AB1234', 'key-1')).toBe('place-order.AB1234.key-1');
    expect(jobId('square-off', 20260101)).toBe('square-off.20260101');
    const id = jobId('place-order', 'a:b', 'c.d', '50%');
    expect(id).toBe('place-order.a%3Ab.c%2Ed.50%25');
    expect(id).not.toContain(':');
    expect(jobId('x', 'a.b')).not.toBe(jobId('x', 'a', 'b'));
    expect(() => jobId('123', 'x')).not.toThrow();
    expect(jobId('123', 'x')).not.toMatch(/^\d+$/);
    expect(() => jobId('Place', 'x')).toThrow(/kind/);
    expect(() => jobId('place')).toThrow(/business key/);
    expect(() => jobId('place', '')).toThrow(/empty/);
  });
});
