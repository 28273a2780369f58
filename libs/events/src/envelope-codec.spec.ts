import { isValid } from 'ulid';
import {
  createEnvelope,
  eventIdFor,
  isCheckedEnvelope,
  parseEnvelope,
  preciseNow,
  safeParseEnvelope,
  type TypedEnvelope,
} from './envelope-codec';
import { EnvelopeError } from './envelope-error';
import { EVENT_TYPES, type EventMap } from './event-catalogue';
import { orderTerminalEventId, orderUpdateEventId, tradeEventId } from './event-id';
import { EVENT_SAMPLES, sampleOrder } from './event-samples';

const meta = { source: 'test' as const };

function reason(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof EnvelopeError) return error.reason;
    throw error;
  }
  throw new Error('expected an EnvelopeError');
}

describe('createEnvelope', () => {
  it('fills id, version, ts, receivedAt and routing from the payload', () => {
    const before = preciseNow();
    const env = createEnvelope('order.placed', EVENT_SAMPLES['order.placed'], { ...meta, userId: 'demo' });
    const after = preciseNow();
    expect(isValid(env.id)).toBe(true);
    expect(env).toMatchObject({
      type: 'order.placed',
      version: 1,
      source: 'test',
      userId: 'demo',
      accountId: 'AB1234',
      broker: 'zerodha',
      key: '2042130686722629633',
    });
    expect(env.receivedAt).toBeGreaterThanOrEqual(before);
    expect(env.receivedAt).toBeLessThanOrEqual(after);
    expect(Math.abs(env.ts - env.receivedAt)).toBeLessThan(1);
    expect('channel' in env).toBe(false);
  });

  it('keeps what the producer gives', () => {
    const env = createEnvelope('order.updated', EVENT_SAMPLES['order.updated'], {
      source: 'zerodha-postback',
      channel: 'postback',
      id: 'custom-id',
      ts: 1,
      receivedAt: 2.5,
      key: 'k',
      accountId: 'X1',
    });
    expect(env).toMatchObject({
      id: 'custom-id',
      ts: 1,
      receivedAt: 2.5,
      key: 'k',
      accountId: 'X1',
      channel: 'postback',
    });
  });

  it('uses deterministic ids for broker updates and once-per-order facts', () => {
    const updated = EVENT_SAMPLES['order.updated'];
    expect(createEnvelope('order.updated', updated, meta).id).toBe(orderUpdateEventId(updated.order));
    const trade = EVENT_SAMPLES['trade.executed'];
    expect(createEnvelope('trade.executed', trade, meta)).toMatchObject({
      id: tradeEventId(trade),
      accountId: 'JN0001',
      broker: 'jainam',
      key: '1110037830',
    });
    const filled = EVENT_SAMPLES['order.filled'];
    expect(createEnvelope('order.filled', filled, meta).id).toBe(
      orderTerminalEventId('filled', filled.order),
    );
    expect(eventIdFor({ type: 'order.reconciled', data: EVENT_SAMPLES['order.reconciled'] })).toMatch(
      /^zerodha-r-/,
    );
    expect(isValid(eventIdFor({ type: 'position.updated', data: EVENT_SAMPLES['position.updated'] }))).toBe(
      true,
    );
  });

  it('validates the payload and lists each bad field', () => {
    const bad = {
      order: { ...sampleOrder(), quantity: -1, status: 'DONE' },
    } as unknown as EventMap['order.updated'];
    expect(() => createEnvelope('order.updated', bad, meta)).toThrow(/order\.quantity: .*order\.status: /s);
    expect(reason(() => createEnvelope('order.updated', bad, meta))).toBe('invalid-data');
  });

  it('validates the envelope fields too', () => {
    const sample = EVENT_SAMPLES['timer'];
    expect(reason(() => createEnvelope('timer', sample, { ...meta, userId: '' }))).toBe('invalid-envelope');
  });

  it('strips fields the schema does not know', () => {
    const data = { ...EVENT_SAMPLES['timer'], extra: 1 } as EventMap['timer'];
    expect(createEnvelope('timer', data, meta).data).toEqual({ intervalMs: 1000 });
  });

  it('with trustedData takes the already validated payload as it is, and still checks the envelope fields', () => {
    const data = EVENT_SAMPLES['order.updated'];
    const trusted = createEnvelope(
      'order.updated',
      data,
      { ...meta, id: 'x', ts: 1, receivedAt: 2 },
      { trustedData: true },
    );
    const checked = createEnvelope('order.updated', data, { ...meta, id: 'x', ts: 1, receivedAt: 2 });
    expect(trusted).toEqual(checked);
    expect(trusted.data).toBe(data);
    // The trust is the caller's promise: an invalid payload passes (and the bus consumer dead-letters it).
    const bad = { order: { ...sampleOrder(), quantity: -1 } };
    expect(createEnvelope('order.updated', bad, meta, { trustedData: true }).data).toBe(bad);
    expect(
      reason(() => createEnvelope('order.updated', data, { ...meta, userId: '' }, { trustedData: true })),
    ).toBe('invalid-envelope');
  });

  it('marks what it built as checked; copies, parsed and hand-built envelopes are not', () => {
    const env = createEnvelope('timer', EVENT_SAMPLES['timer'], meta);
    expect(isCheckedEnvelope(env)).toBe(true);
    expect(isCheckedEnvelope({ ...env })).toBe(false);
    expect(isCheckedEnvelope(parseEnvelope(JSON.stringify(env)))).toBe(false);
    expect(isCheckedEnvelope(null)).toBe(false);
    expect(isCheckedEnvelope('x')).toBe(false);
  });

  it('leaves out undefined envelope fields', () => {
    const env = createEnvelope('timer', EVENT_SAMPLES['timer'], { ...meta, userId: undefined, key: 'k' });
    expect(Object.keys(env).sort()).toEqual([
      'data',
      'id',
      'key',
      'receivedAt',
      'source',
      'ts',
      'type',
      'version',
    ]);
  });
});

describe('parseEnvelope', () => {
  it.each(EVENT_TYPES)('%s round-trips through JSON', (type) => {
    const env = createEnvelope(type, EVENT_SAMPLES[type], meta);
    expect(parseEnvelope(JSON.stringify(env))).toEqual(env);
    expect(parseEnvelope(env)).toEqual(env);
  });

  it('narrows data by type', () => {
    const env: TypedEnvelope = parseEnvelope(
      createEnvelope('trade.executed', EVENT_SAMPLES['trade.executed'], meta),
    );
    switch (env.type) {
      case 'trade.executed':
        expect(env.data.tradeId).toBe('2024611');
        break;
      default:
        throw new Error(`unexpected ${env.type}`);
    }
  });

  it('says clearly what is wrong', () => {
    const good = createEnvelope('order.updated', EVENT_SAMPLES['order.updated'], meta);
    const cases: Array<[unknown, string, RegExp]> = [
      ['{not json', 'not-json', /not JSON/],
      [{ ...good, ts: 'yesterday' }, 'invalid-envelope', /ts: /],
      [{ ...good, type: 'order.deleted' }, 'unknown-type', /unknown event type "order\.deleted"/],
      [
        { ...good, version: 2 },
        'unsupported-version',
        /order\.updated v2 is not supported here \(this consumer knows v1\)/,
      ],
      [
        { ...good, data: { order: { ...good.data.order, brokerOrderId: '' } } },
        'invalid-data',
        /order\.brokerOrderId/,
      ],
      [null, 'invalid-envelope', /invalid envelope/],
    ];
    for (const [input, expectedReason, message] of cases) {
      const result = safeParseEnvelope(input);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error.reason).toBe(expectedReason);
        expect(result.error.message).toMatch(message);
      }
    }
  });

  it('safeParseEnvelope returns the envelope when valid', () => {
    const env = createEnvelope('timer', EVENT_SAMPLES['timer'], meta);
    expect(safeParseEnvelope(env)).toEqual({ ok: true, envelope: env });
  });
});

describe('preciseNow', () => {
  it('is epoch ms with a sub-millisecond fraction', () => {
    const samples = Array.from({ length: 50 }, () => preciseNow());
    expect(Math.abs(samples[0] - Date.now())).toBeLessThan(1000);
    expect(samples.some((t) => !Number.isInteger(t))).toBe(true);
  });
});
