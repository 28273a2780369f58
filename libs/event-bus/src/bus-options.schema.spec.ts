import { ConsumerOptionsSchema, parseRetention, PublisherOptionsSchema } from './bus-options.schema';

describe('parseRetention', () => {
  it.each([
    ['1000000', { maxLen: 1_000_000 }],
    ['len:5000', { maxLen: 5000 }],
    ['7d', { maxAgeMs: 7 * 86_400_000 }],
    ['age:36h', { maxAgeMs: 36 * 3_600_000 }],
    ['90m', { maxAgeMs: 90 * 60_000 }],
    [' AGE:120S ', { maxAgeMs: 120_000 }],
  ])('%s', (spec, expected) => expect(parseRetention(spec)).toEqual(expected));

  it.each(['', 'forever', 'len:5d', 'age:100', '10', '30s', '-5', '1.5d'])('rejects %j', (spec) =>
    expect(() => parseRetention(spec)).toThrow(/invalid retention/),
  );
});

describe('bus option schemas', () => {
  it('fills consumer defaults: new groups start at $, sequential, 5 deliveries', () => {
    expect(ConsumerOptionsSchema.parse({ group: 'svc' })).toEqual({
      group: 'svc',
      startId: '$',
      batchSize: 100,
      blockMs: 5000,
      concurrency: 1,
      maxDeliveries: 5,
      claimIdleMs: 30_000,
      claimIntervalMs: 5000,
      deadConsumerIdleMs: 3_600_000,
      errorTtlMs: 7 * 86_400_000,
    });
  });

  it('rejects nonsense consumer options and unknown keys', () => {
    expect(() => ConsumerOptionsSchema.parse({ group: 'svc', startId: 'latest' })).toThrow(/startId/);
    expect(() => ConsumerOptionsSchema.parse({ group: 'svc', concurrency: 0 })).toThrow();
    expect(() => ConsumerOptionsSchema.parse({ group: 'svc', maxDelivery: 3 })).toThrow();
    expect(ConsumerOptionsSchema.parse({ group: 'svc', startId: '0' }).startId).toBe('0');
    expect(ConsumerOptionsSchema.parse({ group: 'svc', startId: '1712-0' }).startId).toBe('1712-0');
  });

  it('defaults publishers to a day of dedup and a million entries of log', () => {
    expect(PublisherOptionsSchema.parse({})).toEqual({
      dedupTtlMs: 86_400_000,
      retention: { maxLen: 1_000_000 },
      commandTimeoutMs: 2000,
      autoPipeline: false,
    });
    expect(() => PublisherOptionsSchema.parse({ retention: { maxLen: 10 } })).toThrow();
  });
});
