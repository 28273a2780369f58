import { formatMarkdownTable, formatTable } from './table';

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

describe('formatMarkdownTable', () => {
  it('writes a Markdown table with numeric columns right-aligned and pipes escaped', () => {
    expect(
      formatMarkdownTable([
        { step: 'a|b', rate: 1000, p99: 4.5 },
        { step: 'c', rate: 5, p99: null },
      ]),
    ).toBe(
      ['| step | rate | p99 |', '| --- | ---: | ---: |', '| a\\|b | 1,000 | 4.50 |', '| c | 5 | — |'].join(
        '\n',
      ),
    );
  });
});
