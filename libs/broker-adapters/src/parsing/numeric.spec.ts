import { parseId, parseNumeric, parseOptionalId, parsePrice, parseQuantity } from './numeric';

describe('broker numbers', () => {
  it.each([
    ['2,853.50', 2853.5],
    ['1,870.00', 1870],
    ['-1,870.00', -1870],
    ['1,00,000', 100000],
    [' 12 ', 12],
    ['0.05', 0.05],
    [41.78, 41.78],
  ])('reads %p as %p', (input, expected) => {
    expect(parseNumeric(input, 'x')).toEqual({ ok: true, value: expected });
  });

  it.each(['', 'NaN', 'nan', null, undefined, NaN])('treats %p as no value', (input) => {
    expect(parseNumeric(input, 'x')).toEqual({ ok: true, value: null });
  });

  it.each(['12abc', '1,2', '1e400', '--1', 'Infinity', ',100'])('rejects %p naming the field', (input) => {
    const r = parseNumeric(input, 'OrderPrice');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(/^OrderPrice: /);
  });

  it('rejects Infinity, objects and booleans', () => {
    expect(parseNumeric(Infinity, 'x').ok).toBe(false);
    expect(parseNumeric({}, 'x')).toEqual({
      ok: false,
      error: 'x: expected a number or numeric string, got object',
    });
    expect(parseNumeric(true, 'x').ok).toBe(false);
  });

  it('quantities are whole and non-negative; prices non-negative', () => {
    expect(parseQuantity('1,500', 'q')).toEqual({ ok: true, value: 1500 });
    expect(parseQuantity(1.5, 'q').ok).toBe(false);
    expect(parseQuantity(-1, 'q').ok).toBe(false);
    expect(parseQuantity('', 'q')).toEqual({ ok: true, value: 0 });
    expect(parsePrice('-0.05', 'p').ok).toBe(false);
    expect(parsePrice('NaN', 'p')).toEqual({ ok: true, value: 0 });
  });

  it('keeps 19-digit ids as strings and refuses unsafe numeric ids', () => {
    expect(parseId('1953367517686685697', 'order_id')).toEqual({ ok: true, value: '1953367517686685697' });
    expect(parseId(1110037830, 'AppOrderID')).toEqual({ ok: true, value: '1110037830' });
    const unsafe = parseId(2 ** 60, 'order_id');
    expect(unsafe.ok).toBe(false);
    expect(!unsafe.ok && unsafe.error).toContain('order_id: numeric id');
    expect(parseId('', 'order_id').ok).toBe(false);
    expect(parseId(null, 'order_id')).toEqual({
      ok: false,
      error: 'order_id: expected an id string, got null',
    });
    expect(parseOptionalId('', 'ExchangeOrderID')).toEqual({ ok: true, value: null });
  });
});
