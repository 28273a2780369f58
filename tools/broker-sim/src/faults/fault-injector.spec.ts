import { FaultInjector } from './fault-injector';

function collect(
  faults: FaultInjector,
  channel: 'postback' | 'ticker' | 'xts-socket',
  count: number,
): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) faults.deliver(channel, `order-${i}`, () => out.push(`m${i}`));
  return out;
}

describe('FaultInjector', () => {
  it('passes messages straight through without faults', () => {
    const faults = new FaultInjector(1);
    expect(collect(faults, 'postback', 3)).toEqual(['m0', 'm1', 'm2']);
    expect(faults.get().postback.stats).toEqual(expect.objectContaining({ offered: 3, sent: 3, dropped: 0 }));
  });

  it('drops and duplicates by probability, per channel', () => {
    const faults = new FaultInjector(1);
    faults.set('postback', { drop: 1 });
    faults.set('ticker', { duplicate: 1 });
    expect(collect(faults, 'postback', 3)).toEqual([]);
    expect(collect(faults, 'ticker', 2)).toEqual(['m0', 'm0', 'm1', 'm1']);
    expect(collect(faults, 'xts-socket', 2)).toEqual(['m0', 'm1']);
    expect(faults.get().postback.stats.dropped).toBe(3);
    expect(faults.get().ticker.stats.duplicated).toBe(2);
  });

  it('drops about the configured share, deterministically for a seed', () => {
    const run = () => {
      const faults = new FaultInjector(42);
      faults.set('postback', { drop: 0.5 });
      return collect(faults, 'postback', 200);
    };
    const first = run();
    expect(first.length).toBeGreaterThan(60);
    expect(first.length).toBeLessThan(140);
    expect(run()).toEqual(first);
  });

  it('releases a full reorder window out of order', () => {
    const faults = new FaultInjector(3);
    faults.set('ticker', { reorder: 4 });
    const out = collect(faults, 'ticker', 4);
    expect([...out].sort()).toEqual(['m0', 'm1', 'm2', 'm3']);
    expect(out).not.toEqual(['m0', 'm1', 'm2', 'm3']);
  });

  it('releases a partly filled reorder window after the flush interval', async () => {
    const faults = new FaultInjector(3, 10);
    faults.set('postback', { reorder: 10 });
    const out = collect(faults, 'postback', 2);
    expect(out).toEqual([]);
    await new Promise((r) => setTimeout(r, 40));
    expect([...out].sort()).toEqual(['m0', 'm1']);
  });

  it('delays messages', async () => {
    const faults = new FaultInjector(3);
    faults.set('xts-socket', { delayMs: 20, jitterMs: 5 });
    const out = collect(faults, 'xts-socket', 1);
    expect(out).toEqual([]);
    await new Promise((r) => setTimeout(r, 60));
    expect(out).toEqual(['m0']);
  });

  it('rejects settings out of range and runs registered actions', () => {
    const faults = new FaultInjector(1);
    expect(() => faults.set('postback', { drop: 2 })).toThrow();
    const seen: (string | undefined)[] = [];
    faults.register('ticker', { disconnect: (u) => (seen.push(u), 2), expireTokens: () => 1 });
    expect(faults.disconnect('ticker', 'AB1234')).toBe(2);
    expect(faults.expireTokens('ticker')).toBe(1);
    expect(faults.disconnect('postback')).toBe(0);
    expect(seen).toEqual(['AB1234']);
  });

  it('clear() restores no faults and releases what was held', () => {
    const faults = new FaultInjector(1);
    faults.set('ticker', { reorder: 5, drop: 0 });
    const out = collect(faults, 'ticker', 2);
    faults.clear();
    expect(out.sort()).toEqual(['m0', 'm1']);
    expect(faults.get().ticker).toEqual(expect.objectContaining({ reorder: 0, drop: 0, held: 0 }));
  });
});
