import { BrokerRateLimitError, BrokerUnavailableError } from '../broker-errors';
import { ReadPacer } from './read-pacer';

/** A virtual clock: sleeping advances it, so pacing is checked without waiting. */
function virtualTime() {
  let now = 0;
  return { now: () => now, sleep: (ms: number) => Promise.resolve().then(() => void (now += ms)) };
}

describe('ReadPacer', () => {
  it('spaces calls of one endpoint at least the interval apart, one at a time', async () => {
    const clock = virtualTime();
    const pacer = new ReadPacer({ intervalMs: 1_000, ...clock });
    const starts: number[] = [];
    await Promise.all(
      [1, 2, 3].map(() => pacer.run('orders', () => Promise.resolve(starts.push(clock.now())))),
    );
    expect(starts).toEqual([0, 1_000, 2_000]);
  });

  it('does not make one endpoint wait for another', async () => {
    const clock = virtualTime();
    const pacer = new ReadPacer({ intervalMs: 1_000, ...clock });
    const starts: Record<string, number> = {};
    await Promise.all(
      ['orders', 'trades'].map((k) => pacer.run(k, () => Promise.resolve(void (starts[k] = clock.now())))),
    );
    expect(starts).toEqual({ orders: 0, trades: 0 });
  });

  it('treats 429 as a rate limit: waits an interval and retries', async () => {
    const clock = virtualTime();
    const pacer = new ReadPacer({ intervalMs: 1_000, ...clock });
    let calls = 0;
    const result = await pacer.run('orders', () => {
      calls += 1;
      return calls < 3
        ? Promise.reject(new BrokerRateLimitError('jainam', 'Rate limit exceeded', 'RATE_LIMIT_EXCEEDED'))
        : Promise.resolve(clock.now());
    });
    expect(result).toBe(2_000);
    expect(pacer.rateLimitHits).toBe(2);
  });

  it('passes other failures through at once and keeps the queue going', async () => {
    const clock = virtualTime();
    const pacer = new ReadPacer({ ...clock });
    await expect(
      pacer.run('orders', () => Promise.reject(new BrokerUnavailableError('jainam', 'down'))),
    ).rejects.toThrow('down');
    await expect(pacer.run('orders', () => Promise.resolve('ok'))).resolves.toBe('ok');
  });

  it('gives up after the allowed number of 429s', async () => {
    const pacer = new ReadPacer({ maxRateLimitRetries: 2, ...virtualTime() });
    await expect(
      pacer.run('orders', () => Promise.reject(new BrokerRateLimitError('jainam', 'slow down'))),
    ).rejects.toBeInstanceOf(BrokerRateLimitError);
    expect(pacer.rateLimitHits).toBe(2);
  });
});
