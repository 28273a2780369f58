import { parseDeadLetterRef } from './dead-letter-ref';

describe('parseDeadLetterRef', () => {
  it('reads event dead letter ids and queue/job refs', () => {
    expect(parseDeadLetterRef('1712345678901-0')).toEqual({ kind: 'event', id: '1712345678901-0' });
    expect(parseDeadLetterRef('1712345678901')).toEqual({ kind: 'event', id: '1712345678901-0' });
    expect(parseDeadLetterRef('broker-orders/place-order.AB1234.k1')).toEqual({
      kind: 'job',
      queue: 'broker-orders',
      jobId: 'place-order.AB1234.k1',
    });
    expect(parseDeadLetterRef('q/a/b')).toEqual({ kind: 'job', queue: 'q', jobId: 'a/b' });
  });

  it.each(['', 'abc', '/x', 'x/'])('rejects %j', (ref) =>
    expect(() => parseDeadLetterRef(ref)).toThrow(/neither/),
  );
});
