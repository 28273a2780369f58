import { formatTable } from './table';

describe('formatTable', () => {
  it('aligns text left and numbers right, with separators', () => {
    const text = formatTable([
      { name: 'baseline', rate: 2100000, p99: 62.456 },
      { name: 'engine', rate: 950, p99: null },
    ]);
    expect(text.split('\n')).toEqual([
      'name           rate   p99',
      '--------  ---------  ----',
      'baseline  2,100,000  62.5',
      'engine          950     —',
    ]);
  });

  it('honours an explicit column order', () => {
    expect(formatTable([{ a: 'x', b: 'y' }], ['b', 'a']).split('\n')[0]).toBe('b  a');
  });
});
