/**
 * How commands print results: compact tables for people (core/util/table.ts:
 * a title line, a rule under the header only, numbers right-aligned), one JSON object per line for machines (`--json`), and number
 * formatting shared by every command so tables read the same everywhere.
 */
import { formatTable, type Cell } from '../../core/util/table.js';

/** 1234567 -> "1,234,567"; fractions keep up to `digits` significant decimals. */
export function formatNumber(x: number, digits = 4): string {
  if (!Number.isFinite(x)) return String(x);
  if (Number.isInteger(x)) return x.toLocaleString('en-US');
  const abs = Math.abs(x);
  if (abs >= 1000) return Math.round(x).toLocaleString('en-US');
  return Number(x.toPrecision(digits)).toString();
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let x = bytes;
  while (x >= 1024 && i < units.length - 1) {
    x /= 1024;
    i++;
  }
  return `${i === 0 ? x : x.toFixed(1)} ${units[i]}`;
}

/** A key/value table, e.g. a run summary: the title on a line of its own, then key and value columns. */
export function summaryTable(title: string, rows: Array<[string, string | number]>): string {
  return formatTable({ title, rows: rows.map(([k, v]) => [k, typeof v === 'number' ? formatNumber(v) : v]) });
}

/** A table with a header (a rule under it, numbers right-aligned), titled. */
export function headedTable(title: string, head: readonly string[], rows: ReadonlyArray<readonly Cell[]>): string {
  return formatTable({ title, head, rows: rows.map((r) => r.map((c) => (typeof c === 'number' ? formatNumber(c) : c))) });
}


export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value) + '\n');
}
