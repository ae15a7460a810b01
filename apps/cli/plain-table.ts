/**
 * A plain table for lists a person reads down (ranked recommendations): one
 * title line, a header, a rule under the header only, columns padded to
 * their widest cell, numbers right-aligned.
 */

/** Columns: 'left' for text, 'right' for numbers. */
export type Align = 'left' | 'right';

const width = (s: string): number => [...s].length;

export function plainTable(title: string, headers: string[], rows: string[][], align: Align[]): string {
  const widths = headers.map((h, c) => Math.max(width(h), ...rows.map((r) => width(r[c] ?? ''))));
  const line = (cells: string[]): string =>
    cells
      .map((cell, c) => {
        const pad = ' '.repeat(widths[c] - width(cell));
        return align[c] === 'right' ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd();
  return [title, line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
