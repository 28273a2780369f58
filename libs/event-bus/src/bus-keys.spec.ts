import { assertGroupName, busKeys, entryIdTime, isEntryId } from './bus-keys';

describe('busKeys', () => {
  it('names the public log and dead-letter streams under the prefix', () => {
    const keys = busKeys('fillwire');
    expect(keys.events).toBe('fillwire:events');
    expect(keys.dlq).toBe('fillwire:events:dlq');
    expect(keys.retry('portfolio-manager')).toBe('fillwire:events:retry:portfolio-manager');
    expect(keys.dedup('01HX')).toBe('fillwire:dedup:01HX');
    expect(keys.lastError('notifier', '1-0')).toBe('fillwire:events:error:notifier:1-0');
  });

  it('refuses prefixes and group names that would break the key scheme', () => {
    expect(() => busKeys('a:b')).toThrow(/prefix/);
    expect(() => busKeys('')).toThrow(/prefix/);
    expect(() => assertGroupName('Portfolio')).toThrow(/group/);
    expect(() => assertGroupName('svc:1')).toThrow(/group/);
    expect(assertGroupName('order-api')).toBe('order-api');
  });

  it('reads the time of an entry id', () => {
    expect(entryIdTime('1712345678901-3')).toBe(1712345678901);
    expect(() => entryIdTime('abc')).toThrow(/entry id/);
    expect(isEntryId('1-0')).toBe(true);
    expect(isEntryId('17')).toBe(true);
    expect(isEntryId('$')).toBe(false);
    expect(isEntryId('1-0-0')).toBe(false);
  });
});
