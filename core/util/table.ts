/**
 * Plain-text tables for people, the same in every command: one title line
 * above, a header row with a rule under it (the only rule), columns two
 * spaces apart, numbers right-aligned and text left-aligned. A key/value
 * summary is the same table without a header.
 */

export type Cell = string | number;

export interface TableSpec {
  /** One line above the table. */
  title?: string;
  /** Column names; none for a key/value summary (then no rule either). */
  head?: readonly string[];
  rows: ReadonlyArray<readonly Cell[]>;
}

/** A cell that reads as a number: 1,234 / -0.5 / 3.2e-7 / 12.5% / 1.2M / 3 s. */
const NUMERIC = /^[-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?(e[-+]?\d+)?(%|[kMG]| s| ms)?$/;

export function isNumericCell(cell: Cell): boolean {
  return typeof cell === 'number' || NUMERIC.test(cell.trim());
}

/** The table as lines joined by newlines (no trailing newline). */
export function formatTable(spec: TableSpec): string {
  const text = (cell: Cell): string => (typeof cell === 'number' ? String(cell) : cell);
  const rows = spec.rows.map((row) => row.map(text));
  const head = spec.head ? [...spec.head] : null;
  const columns = Math.max(head?.length ?? 0, ...rows.map((r) => r.length));
  const widths = new Array<number>(columns).fill(0);
  for (const row of head ? [head, ...rows] : rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i], cell.length)));
  // A column is right-aligned when every non-empty body cell in it is a number.
  const right = widths.map((_, i) => {
    const cells = spec.rows.map((r) => r[i]).filter((c) => c !== undefined && text(c) !== '');
    return cells.length > 0 && cells.every(isNumericCell);
  });
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (i === cells.length - 1 && !right[i] ? cell : right[i] ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const out: string[] = [];
  if (spec.title !== undefined) out.push(spec.title);
  if (head) {
    out.push(line(head));
    out.push(widths.map((w) => '─'.repeat(w)).join('  '));
  }
  for (const row of rows) out.push(line(row));
  return out.join('\n');
}
