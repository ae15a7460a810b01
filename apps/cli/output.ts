/**
 * How commands print results: a two-column summary table (cli-table3) for
 * people, one JSON object per line for machines (`--json`), and number
 * formatting shared by every command so tables read the same everywhere.
 */
import Table from 'cli-table3';

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

/** A key/value table, e.g. a run summary. */
export function summaryTable(title: string, rows: Array<[string, string | number]>): string {
  const table = new Table({ head: [title, ''], style: { head: [], border: [] } });
  for (const [k, v] of rows) table.push([k, typeof v === 'number' ? formatNumber(v) : v]);
  return table.toString();
}


export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value) + '\n');
}
