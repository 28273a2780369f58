export type TableCell = string | number | null | undefined;
export type TableRow = Readonly<Record<string, TableCell>>;

function formatCell(cell: TableCell): string {
  if (cell === null || cell === undefined) return '—';
  if (typeof cell === 'string') return cell;
  if (!Number.isFinite(cell)) return String(cell);
  if (Number.isInteger(cell)) return cell.toLocaleString('en-US');
  const digits = Math.abs(cell) >= 100 ? 0 : Math.abs(cell) >= 10 ? 1 : 2;
  return cell.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A plain-text table; numbers right-aligned with thousands separators. Columns default to the first row's keys. */
export function formatTable(rows: readonly TableRow[], columns?: readonly string[]): string {
  const cols = columns ?? Object.keys(rows[0] ?? {});
  const cells = rows.map((row) => cols.map((col) => formatCell(row[col])));
  const numeric = cols.map((col) => rows.some((row) => typeof row[col] === 'number'));
  const widths = cols.map((col, i) => Math.max(col.length, ...cells.map((line) => line[i].length)));
  const pad = (text: string, i: number) => (numeric[i] ? text.padStart(widths[i]) : text.padEnd(widths[i]));
  const lines = [
    cols.map((col, i) => pad(col, i)).join('  '),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...cells.map((line) => line.map((text, i) => pad(text, i)).join('  ')),
  ];
  return lines.map((line) => line.trimEnd()).join('\n');
}

/** The same table in Markdown (numbers right-aligned), for `bench/results/<suite>-latest.md`. */
export function formatMarkdownTable(rows: readonly TableRow[], columns?: readonly string[]): string {
  const cols = columns ?? Object.keys(rows[0] ?? {});
  const numeric = cols.map((col) => rows.some((row) => typeof row[col] === 'number'));
  const escape = (text: string): string => text.replaceAll('|', '\\|');
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [
    line(cols.map(escape)),
    line(numeric.map((right) => (right ? '---:' : '---'))),
    ...rows.map((row) => line(cols.map((col) => escape(formatCell(row[col]))))),
  ].join('\n');
}
