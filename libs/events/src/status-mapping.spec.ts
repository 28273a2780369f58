import {
  KITE_STATUS_TABLE,
  XTS_STATUS_TABLE,
  isKnownBrokerStatus,
  mapBrokerStatus,
  mapKiteStatus,
  mapXtsStatus,
} from './status-mapping';

const unfilled = { filledQuantity: 0, quantity: 10 };
const partly = { filledQuantity: 4, quantity: 10 };

describe('mapKiteStatus', () => {
  // Every Kite status named in brokers.md §1.8/§1.9, with the expected result unfilled and partly filled.
  it.each([
    ['PUT ORDER REQ RECEIVED', 'PENDING', 'PARTIALLY_FILLED', undefined],
    ['PUT ORDER REQUEST RECEIVED', 'PENDING', 'PARTIALLY_FILLED', undefined],
    ['VALIDATION PENDING', 'PENDING', 'PARTIALLY_FILLED', undefined],
    ['OPEN PENDING', 'PENDING', 'PARTIALLY_FILLED', undefined],
    ['AMO REQ RECEIVED', 'PENDING', 'PARTIALLY_FILLED', undefined],
    ['OPEN', 'OPEN', 'PARTIALLY_FILLED', undefined],
    ['UPDATE', 'OPEN', 'PARTIALLY_FILLED', undefined],
    ['TRIGGER PENDING', 'TRIGGER_PENDING', 'PARTIALLY_FILLED', undefined],
    ['MODIFY VALIDATION PENDING', 'OPEN', 'PARTIALLY_FILLED', 'modify'],
    ['MODIFY PENDING', 'OPEN', 'PARTIALLY_FILLED', 'modify'],
    ['MODIFIED', 'OPEN', 'PARTIALLY_FILLED', undefined],
    ['CANCEL PENDING', 'OPEN', 'PARTIALLY_FILLED', 'cancel'],
    ['COMPLETE', 'FILLED', 'FILLED', undefined],
    ['CANCELLED', 'CANCELLED', 'CANCELLED', undefined],
    ['CANCEL', 'CANCELLED', 'CANCELLED', undefined],
    ['REJECTED', 'REJECTED', 'REJECTED', undefined],
  ])('%s → %s (unfilled) / %s (partly filled)', (raw, whenUnfilled, whenPartly, inFlight) => {
    expect(mapKiteStatus(raw, unfilled)).toEqual({
      status: whenUnfilled,
      known: true,
      ...(inFlight ? { inFlight } : {}),
    });
    expect(mapKiteStatus(raw, partly)).toEqual({
      status: whenPartly,
      known: true,
      ...(inFlight ? { inFlight } : {}),
    });
  });

  it('covers every row of its table in the cases above', () => {
    expect(KITE_STATUS_TABLE.map((r) => r.brokerStatus).sort()).toEqual(
      [
        'PUT ORDER REQ RECEIVED',
        'PUT ORDER REQUEST RECEIVED',
        'VALIDATION PENDING',
        'OPEN PENDING',
        'AMO REQ RECEIVED',
        'OPEN',
        'UPDATE',
        'TRIGGER PENDING',
        'MODIFY VALIDATION PENDING',
        'MODIFY PENDING',
        'MODIFIED',
        'CANCEL PENDING',
        'COMPLETE',
        'CANCELLED',
        'CANCEL',
        'REJECTED',
      ].sort(),
    );
  });

  it('tolerates case and spacing differences', () => {
    expect(mapKiteStatus('  open   pending ', unfilled)).toEqual({ status: 'PENDING', known: true });
    expect(mapKiteStatus('Complete', unfilled)).toEqual({ status: 'FILLED', known: true });
  });

  it('never infers FILLED from arithmetic: OPEN with everything filled stays PARTIALLY_FILLED until COMPLETE', () => {
    expect(mapKiteStatus('UPDATE', { filledQuantity: 10, quantity: 10 })).toEqual({
      status: 'PARTIALLY_FILLED',
      known: true,
    });
  });

  it('keeps an unknown status non-terminal and flags it, never throws', () => {
    expect(mapKiteStatus('CANCELLED AMO', unfilled)).toEqual({ status: 'PENDING', known: false });
    expect(mapKiteStatus('SOMETHING NEW', partly)).toEqual({ status: 'PARTIALLY_FILLED', known: false });
    expect(mapKiteStatus('', unfilled)).toEqual({ status: 'PENDING', known: false });
    expect(mapKiteStatus(null, unfilled)).toEqual({ status: 'PENDING', known: false });
    expect(mapXtsStatus(undefined, { cumulativeQuantity: 3, orderQuantity: 5 })).toEqual({
      status: 'PARTIALLY_FILLED',
      known: false,
    });
  });
});

describe('mapXtsStatus', () => {
  const cum0 = { cumulativeQuantity: 0, orderQuantity: 46 };
  const cum20 = { cumulativeQuantity: 20, orderQuantity: 46 };

  // Every XTS status of brokers.md §2.6 by name and by numeric FIX code, plus "Open" and "Trigger Pending".
  it.each([
    ['PendingNew', 65, 'PENDING', 'PARTIALLY_FILLED', undefined],
    ['New', 48, 'OPEN', 'PARTIALLY_FILLED', undefined],
    ['PartiallyFilled', 49, 'PARTIALLY_FILLED', 'PARTIALLY_FILLED', undefined],
    ['Filled', 50, 'FILLED', 'FILLED', undefined],
    ['Cancelled', 52, 'CANCELLED', 'CANCELLED', undefined],
    ['Replaced', 53, 'OPEN', 'PARTIALLY_FILLED', undefined],
    ['PendingCancel', 54, 'OPEN', 'PARTIALLY_FILLED', 'cancel'],
    ['Rejected', 56, 'REJECTED', 'REJECTED', undefined],
    ['PendingReplace', 69, 'OPEN', 'PARTIALLY_FILLED', 'modify'],
  ])('%s (%d) → %s / %s', (name, code, whenUnfilled, whenPartly, inFlight) => {
    const expected = (status: string) => ({ status, known: true, ...(inFlight ? { inFlight } : {}) });
    for (const raw of [name, code, String(code)]) {
      expect(mapXtsStatus(raw, cum0)).toEqual(expected(whenUnfilled));
      expect(mapXtsStatus(raw, cum20)).toEqual(expected(whenPartly));
    }
  });

  it.each([
    ['Open', 'OPEN'],
    ['Trigger Pending', 'TRIGGER_PENDING'],
    ['TriggerPending', 'TRIGGER_PENDING'],
    ['PENDINGNEW', 'PENDING'],
    ['partiallyfilled', 'PARTIALLY_FILLED'],
  ])('%s → %s', (raw, status) => {
    expect(mapXtsStatus(raw, cum0)).toEqual({ status, known: true });
  });

  it('has a numeric code for every FIX-backed row, all within 48..69', () => {
    const codes = XTS_STATUS_TABLE.flatMap((r) => (r.code === undefined ? [] : [r.code]));
    expect(codes.sort((a, b) => a - b)).toEqual([48, 49, 50, 52, 53, 54, 56, 65, 69]);
  });

  it.each([51, 55, 57, 66, 67, 68, 0, 'Expired', 'DoneForDay', 'Suspended'])(
    'treats undocumented %s as unknown and non-terminal',
    (raw) => {
      expect(mapXtsStatus(raw, cum0)).toEqual({ status: 'PENDING', known: false });
      expect(mapXtsStatus(raw, cum20)).toEqual({ status: 'PARTIALLY_FILLED', known: false });
    },
  );
});

describe('mapBrokerStatus', () => {
  it('dispatches by broker', () => {
    expect(mapBrokerStatus('zerodha', 'COMPLETE', unfilled).status).toBe('FILLED');
    expect(mapBrokerStatus('jainam', 'Filled', unfilled).status).toBe('FILLED');
    expect(mapBrokerStatus('jainam', 'PendingCancel', partly)).toEqual({
      status: 'PARTIALLY_FILLED',
      known: true,
      inFlight: 'cancel',
    });
  });

  it('reads canonical statuses for the paper broker', () => {
    expect(mapBrokerStatus('paper', 'FILLED', unfilled)).toEqual({ status: 'FILLED', known: true });
    expect(mapBrokerStatus('paper', 'OPEN', partly)).toEqual({ status: 'PARTIALLY_FILLED', known: true });
    expect(mapBrokerStatus('paper', 'COMPLETE', unfilled)).toEqual({ status: 'PENDING', known: false });
  });

  it('isKnownBrokerStatus answers per broker', () => {
    expect(isKnownBrokerStatus('zerodha', 'UPDATE')).toBe(true);
    expect(isKnownBrokerStatus('jainam', 'UPDATE')).toBe(false);
    expect(isKnownBrokerStatus('jainam', '69')).toBe(true);
  });
});
